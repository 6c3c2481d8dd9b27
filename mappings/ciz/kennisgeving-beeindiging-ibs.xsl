<?xml version="1.0" encoding="UTF-8"?>
<!--
  wzd.inbewaringstelling.beeindigd (event XML form) -> ciz / kennisgeving-beeindiging-ibs 1.0.
  Schema: schemas/ciz/kennisgeving-beeindiging-ibs.xsd (read its annotations for why each personal field is sent).
  Only what the CIZ needs to close its case: no address, no place of stay, no contact person.
  Parameters: see ../common/header.xsl; shared field templates: ../common/fields.xsl.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns="urn:ketenhub:ciz:kennisgeving-beeindiging-ibs:1"
                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                exclude-result-prefixes="xsi">

  <xsl:include href="../common/header.xsl"/>
  <xsl:include href="../common/fields.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:variable name="ns" select="'urn:ketenhub:ciz:kennisgeving-beeindiging-ibs:1'"/>

  <xsl:template match="/">
    <xsl:apply-templates select="event"/>
  </xsl:template>

  <xsl:template match="/event">
    <xsl:call-template name="check-event">
      <xsl:with-param name="expected-event-type" select="'wzd.inbewaringstelling.beeindigd'"/>
      <xsl:with-param name="zaaknummer" select="zaaknummer"/>
    </xsl:call-template>
    <kennisgevingBeeindigingIbs>
      <xsl:call-template name="header">
        <xsl:with-param name="ns" select="$ns"/>
        <xsl:with-param name="product-name" select="'kennisgeving-beeindiging-ibs'"/>
        <xsl:with-param name="product-version" select="'1.0'"/>
        <xsl:with-param name="zaaknummer" select="zaaknummer"/>
      </xsl:call-template>
      <beeindiging>
        <xsl:apply-templates select="beeindiging/datumTijd" mode="leaf"/>
        <xsl:apply-templates select="beeindiging/reden" mode="leaf"/>
        <burgemeester><xsl:value-of select="beeindiging/burgemeester/naam"/></burgemeester>
        <xsl:for-each select="beeindiging/gemeente"><xsl:call-template name="gemeente"/></xsl:for-each>
      </beeindiging>
      <betrokkene>
        <xsl:for-each select="betrokkene">
          <xsl:apply-templates select="bsn" mode="leaf"/>
          <xsl:call-template name="naam"/>
          <xsl:apply-templates select="geboortedatum" mode="leaf"/>
        </xsl:for-each>
      </betrokkene>
      <xsl:for-each select="zorgaanbieder"><xsl:call-template name="zorgaanbieder"/></xsl:for-each>
    </kennisgevingBeeindigingIbs>
  </xsl:template>
</xsl:stylesheet>
