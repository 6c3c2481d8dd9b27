<?xml version="1.0" encoding="UTF-8"?>
<!--
  Letter for the print fallback channel: the SIGNED igj / melding-beeindiging-crisismaatregel product -> the letter
  model (docs/letters.md). Title: "Melding beëindiging crisismaatregel (Wvggz)". Shared parts and parameters:
  ../common/letter.xsl.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:p="urn:ketenhub:igj:melding-beeindiging-crisismaatregel:1"
                exclude-result-prefixes="p">

  <xsl:import href="../common/letter.xsl"/>

  <xsl:variable name="expected-root" select="'meldingBeeindigingCrisismaatregel'"/>
  <xsl:variable name="expected-ns" select="'urn:ketenhub:igj:melding-beeindiging-crisismaatregel:1'"/>

  <xsl:template name="title">Melding beëindiging crisismaatregel (Wvggz)</xsl:template>

  <xsl:template name="intro">
    <p>De crisismaatregel ten aanzien van de hieronder genoemde betrokkene is beëindigd op
      <xsl:call-template name="format-date"><xsl:with-param name="value" select="p:beeindiging/p:datumTijd"/></xsl:call-template>.<xsl:for-each select="p:beeindiging/p:reden"> De reden: <xsl:value-of select="."/>.</xsl:for-each></p>
    <p>Met deze brief meldt de burgemeester van <xsl:value-of select="p:beeindiging/p:gemeente/p:naam"/> de beëindiging aan
      de Inspectie Gezondheidszorg en Jeugd.</p>
  </xsl:template>
</xsl:stylesheet>
