<?xml version="1.0" encoding="UTF-8"?>
<!--
  Letter for the print fallback channel: the SIGNED pvp / informeren-pvp-beeindiging product -> the letter
  model (docs/letters.md). Title: "Beëindiging crisismaatregel: informatie voor de patiëntvertrouwenspersoon". Shared parts and parameters:
  ../common/letter.xsl.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:p="urn:ketenhub:pvp:informeren-pvp-beeindiging:1"
                exclude-result-prefixes="p">

  <xsl:import href="../common/letter.xsl"/>

  <xsl:variable name="expected-root" select="'informerenPvpBeeindiging'"/>
  <xsl:variable name="expected-ns" select="'urn:ketenhub:pvp:informeren-pvp-beeindiging:1'"/>

  <xsl:template name="title">Beëindiging crisismaatregel: informatie voor de patiëntvertrouwenspersoon</xsl:template>

  <xsl:template name="intro">
    <p>De crisismaatregel ten aanzien van de hieronder genoemde betrokkene is beëindigd op
      <xsl:call-template name="format-date"><xsl:with-param name="value" select="p:beeindiging/p:datumTijd"/></xsl:call-template>.</p>
    <p>De betrokkene heeft bij de start van de crisismaatregel toestemming gegeven om de
      patiëntvertrouwenspersoon te informeren.</p>
  </xsl:template>
</xsl:stylesheet>
