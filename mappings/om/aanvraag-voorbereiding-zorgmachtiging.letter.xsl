<?xml version="1.0" encoding="UTF-8"?>
<!--
  Letter for the print fallback channel: the SIGNED om / aanvraag-voorbereiding-zorgmachtiging product -> the letter
  model (docs/letters.md). Title: "Aanvraag voorbereiding zorgmachtiging (Wvggz)". Shared parts and parameters:
  ../common/letter.xsl.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:p="urn:ketenhub:om:aanvraag-voorbereiding-zorgmachtiging:1"
                exclude-result-prefixes="p">

  <xsl:import href="../common/letter.xsl"/>

  <xsl:variable name="expected-root" select="'aanvraagVoorbereidingZorgmachtiging'"/>
  <xsl:variable name="expected-ns" select="'urn:ketenhub:om:aanvraag-voorbereiding-zorgmachtiging:1'"/>

  <xsl:template name="title">Aanvraag voorbereiding zorgmachtiging (Wvggz)</xsl:template>

  <xsl:template name="intro">
    <p>Het college van burgemeester en wethouders van <xsl:value-of select="p:aanvraag/p:gemeente/p:naam"/> vraagt u op
      <xsl:call-template name="format-date"><xsl:with-param name="value" select="p:aanvraag/p:datum"/></xsl:call-template> een zorgmachtiging voor te bereiden op grond van de Wet verplichte
      geestelijke gezondheidszorg (Wvggz), na een verkennend onderzoek door
      <xsl:value-of select="p:aanvraag/p:verkennendOnderzoek/p:uitgevoerdDoor"/>.</p>
    <p>Hieronder staan de gegevens van de aanvraag, de betrokkene en het verkennend onderzoek.</p>
  </xsl:template>
</xsl:stylesheet>
