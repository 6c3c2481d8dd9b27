<?xml version="1.0" encoding="UTF-8"?>
<!--
  Letter for the print fallback channel: the SIGNED om / kennisgeving-crisismaatregel product -> the letter
  model (docs/letters.md). Title: "Kennisgeving crisismaatregel (Wvggz)". Shared parts and parameters:
  ../common/letter.xsl.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:p="urn:ketenhub:om:kennisgeving-crisismaatregel:1"
                exclude-result-prefixes="p">

  <xsl:import href="../common/letter.xsl"/>

  <xsl:variable name="expected-root" select="'kennisgevingCrisismaatregel'"/>
  <xsl:variable name="expected-ns" select="'urn:ketenhub:om:kennisgeving-crisismaatregel:1'"/>

  <xsl:template name="title">Kennisgeving crisismaatregel (Wvggz)</xsl:template>

  <xsl:template name="intro">
    <p>De burgemeester van <xsl:value-of select="p:besluit/p:gemeente/p:naam"/><xsl:for-each select="p:besluit/p:burgemeester">, <xsl:value-of select="."/>,</xsl:for-each> heeft op <xsl:call-template name="format-date"><xsl:with-param name="value" select="p:besluit/p:datumTijd"/></xsl:call-template> een crisismaatregel genomen op grond
      van de Wet verplichte geestelijke gezondheidszorg (Wvggz). De crisismaatregel geldt tot
      <xsl:call-template name="format-date"><xsl:with-param name="value" select="p:besluit/p:geldigTot"/></xsl:call-template>.</p>
    <p>Met deze brief ontvangt u een afschrift van de gegevens van deze beslissing: de betrokkene,
      de zorgaanbieder, de geneeskundige verklaring en de verplichte zorg die is toegestaan.</p>
  </xsl:template>
</xsl:stylesheet>
