<?xml version="1.0" encoding="UTF-8"?>
<!--
  Letter for the print fallback channel: the SIGNED igj / melding-beeindiging-ibs product -> the letter
  model (docs/letters.md). Title: "Melding beëindiging inbewaringstelling (Wzd)". Shared parts and parameters:
  ../common/letter.xsl.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:p="urn:ketenhub:igj:melding-beeindiging-ibs:1"
                exclude-result-prefixes="p">

  <xsl:import href="../common/letter.xsl"/>

  <xsl:variable name="expected-root" select="'meldingBeeindigingIbs'"/>
  <xsl:variable name="expected-ns" select="'urn:ketenhub:igj:melding-beeindiging-ibs:1'"/>

  <xsl:template name="title">Melding beëindiging inbewaringstelling (Wzd)</xsl:template>

  <xsl:template name="intro">
    <p>De inbewaringstelling ten aanzien van de hieronder genoemde betrokkene is beëindigd op
      <xsl:call-template name="format-date"><xsl:with-param name="value" select="p:beeindiging/p:datumTijd"/></xsl:call-template>.<xsl:for-each select="p:beeindiging/p:reden"> De reden: <xsl:value-of select="."/>.</xsl:for-each></p>
    <p>Met deze brief meldt de burgemeester van <xsl:value-of select="p:beeindiging/p:gemeente/p:naam"/> de beëindiging aan
      de Inspectie Gezondheidszorg en Jeugd.</p>
  </xsl:template>
</xsl:stylesheet>
