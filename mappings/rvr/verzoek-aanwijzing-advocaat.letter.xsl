<?xml version="1.0" encoding="UTF-8"?>
<!--
  Letter for the print fallback channel: the SIGNED rvr / verzoek-aanwijzing-advocaat product -> the letter
  model (docs/letters.md). Title: "Verzoek aanwijzing advocaat (<wet>, <soort>)". Shared parts and parameters:
  ../common/letter.xsl.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:p="urn:ketenhub:rvr:verzoek-aanwijzing-advocaat:1"
                exclude-result-prefixes="p">

  <xsl:import href="../common/letter.xsl"/>

  <xsl:variable name="expected-root" select="'verzoekAanwijzingAdvocaat'"/>
  <xsl:variable name="expected-ns" select="'urn:ketenhub:rvr:verzoek-aanwijzing-advocaat:1'"/>

  <xsl:template name="title">Verzoek aanwijzing advocaat (<xsl:value-of select="/p:verzoekAanwijzingAdvocaat/p:maatregel/p:wet"/>, <xsl:value-of select="/p:verzoekAanwijzingAdvocaat/p:maatregel/p:soort"/>)</xsl:template>

  <xsl:template name="intro">
    <p>De burgemeester van <xsl:value-of select="p:maatregel/p:gemeente/p:naam"/> heeft op <xsl:call-template name="format-date"><xsl:with-param name="value" select="p:maatregel/p:datumTijd"/></xsl:call-template>
      een <xsl:value-of select="p:maatregel/p:soort"/> genomen op grond van de
      <xsl:choose><xsl:when test="p:maatregel/p:wet = 'Wzd'">Wet zorg en dwang (Wzd)</xsl:when>
      <xsl:otherwise>Wet verplichte geestelijke gezondheidszorg (Wvggz)</xsl:otherwise></xsl:choose>.
      De maatregel geldt tot <xsl:call-template name="format-date"><xsl:with-param name="value" select="p:maatregel/p:geldigTot"/></xsl:call-template>.</p>
    <p>Wij verzoeken u binnen 24 uur na de beslissing een advocaat voor de betrokkene aan te
      wijzen. Hieronder staan de gegevens van de maatregel, de betrokkene en de zorgaanbieder.</p>
  </xsl:template>
</xsl:stylesheet>
