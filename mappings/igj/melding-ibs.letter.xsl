<?xml version="1.0" encoding="UTF-8"?>
<!--
  Letter for the print fallback channel: the SIGNED igj / melding-ibs product -> the letter
  model (docs/letters.md). Title: "Melding inbewaringstelling (Wzd)". Shared parts and parameters:
  ../common/letter.xsl.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:p="urn:ketenhub:igj:melding-ibs:1"
                exclude-result-prefixes="p">

  <xsl:import href="../common/letter.xsl"/>

  <xsl:variable name="expected-root" select="'meldingIbs'"/>
  <xsl:variable name="expected-ns" select="'urn:ketenhub:igj:melding-ibs:1'"/>

  <xsl:template name="title">Melding inbewaringstelling (Wzd)</xsl:template>

  <xsl:template name="intro">
    <p>De burgemeester van <xsl:value-of select="p:besluit/p:gemeente/p:naam"/><xsl:for-each select="p:besluit/p:burgemeester">, <xsl:value-of select="."/>,</xsl:for-each> heeft op <xsl:call-template name="format-date"><xsl:with-param name="value" select="p:besluit/p:datumTijd"/></xsl:call-template> een inbewaringstelling (IBS)
      genomen op grond van de Wet zorg en dwang (Wzd). De inbewaringstelling geldt tot
      <xsl:call-template name="format-date"><xsl:with-param name="value" select="p:besluit/p:geldigTot"/></xsl:call-template>.</p>
    <p>Met deze brief meldt de burgemeester deze beslissing aan de Inspectie Gezondheidszorg en
      Jeugd.</p>
  </xsl:template>
</xsl:stylesheet>
