<?xml version="1.0" encoding="UTF-8"?>
<!--
  Letter for the print fallback channel: the SIGNED pvp / informeren-pvp product -> the letter
  model (docs/letters.md). Title: "Crisismaatregel: informatie voor de patiëntvertrouwenspersoon". Shared parts and parameters:
  ../common/letter.xsl.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:p="urn:ketenhub:pvp:informeren-pvp:1"
                exclude-result-prefixes="p">

  <xsl:import href="../common/letter.xsl"/>

  <xsl:variable name="expected-root" select="'informerenPvp'"/>
  <xsl:variable name="expected-ns" select="'urn:ketenhub:pvp:informeren-pvp:1'"/>

  <xsl:template name="title">Crisismaatregel: informatie voor de patiëntvertrouwenspersoon</xsl:template>

  <xsl:template name="intro">
    <p>De burgemeester van <xsl:value-of select="p:maatregel/p:gemeente/p:naam"/> heeft op <xsl:call-template name="format-date"><xsl:with-param name="value" select="p:maatregel/p:datumTijd"/></xsl:call-template>
      een crisismaatregel genomen op grond van de Wet verplichte geestelijke gezondheidszorg
      (Wvggz). De crisismaatregel geldt tot <xsl:call-template name="format-date"><xsl:with-param name="value" select="p:maatregel/p:geldigTot"/></xsl:call-template>.</p>
    <p>De betrokkene heeft toestemming gegeven om de patiëntvertrouwenspersoon te informeren. Met
      deze brief ontvangt u de gegevens die u nodig hebt om contact met de betrokkene op te
      nemen.</p>
  </xsl:template>
</xsl:stylesheet>
