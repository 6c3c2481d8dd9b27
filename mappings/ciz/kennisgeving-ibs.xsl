<?xml version="1.0" encoding="UTF-8"?>
<!--
  wzd.inbewaringstelling.genomen (event XML form) -> ciz / kennisgeving-ibs 1.0.
  Schema: schemas/ciz/kennisgeving-ibs.xsd (read its annotations for why each personal field is sent).
  Everything the Wzd report and the petition for continuation need; no lawyer.
  Parameters: see ../common/header.xsl; shared field templates: ../common/fields.xsl.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns="urn:ketenhub:ciz:kennisgeving-ibs:1"
                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                exclude-result-prefixes="xsi">

  <xsl:include href="../common/header.xsl"/>
  <xsl:include href="../common/fields.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:variable name="ns" select="'urn:ketenhub:ciz:kennisgeving-ibs:1'"/>

  <xsl:template match="/">
    <xsl:apply-templates select="event"/>
  </xsl:template>

  <xsl:template match="/event">
    <xsl:call-template name="check-event">
      <xsl:with-param name="expected-event-type" select="'wzd.inbewaringstelling.genomen'"/>
      <xsl:with-param name="zaaknummer" select="zaaknummer"/>
    </xsl:call-template>
    <kennisgevingIbs>
      <xsl:call-template name="header">
        <xsl:with-param name="ns" select="$ns"/>
        <xsl:with-param name="product-name" select="'kennisgeving-ibs'"/>
        <xsl:with-param name="product-version" select="'1.0'"/>
        <xsl:with-param name="zaaknummer" select="zaaknummer"/>
      </xsl:call-template>
      <besluit>
        <xsl:apply-templates select="besluit/datumTijd" mode="leaf"/>
        <xsl:apply-templates select="besluit/geldigTot" mode="leaf"/>
        <burgemeester><xsl:value-of select="besluit/burgemeester/naam"/></burgemeester>
        <xsl:for-each select="besluit/gemeente"><xsl:call-template name="gemeente"/></xsl:for-each>
      </besluit>
      <betrokkene>
        <xsl:for-each select="betrokkene">
          <xsl:apply-templates select="bsn" mode="leaf"/>
          <xsl:call-template name="naam"/>
          <xsl:apply-templates select="geboortedatum" mode="leaf"/>
          <xsl:for-each select="adres"><xsl:call-template name="adres"/></xsl:for-each>
          <xsl:for-each select="verblijfplaats"><xsl:call-template name="verblijfplaats"/></xsl:for-each>
        </xsl:for-each>
      </betrokkene>
      <xsl:for-each select="zorgaanbieder"><xsl:call-template name="zorgaanbieder"/></xsl:for-each>
      <medischeVerklaring>
        <xsl:apply-templates select="medischeVerklaring/datum" mode="leaf"/>
        <arts><xsl:value-of select="medischeVerklaring/arts/naam"/></arts>
        <bigNummer><xsl:value-of select="medischeVerklaring/arts/bigNummer"/></bigNummer>
        <xsl:apply-templates select="medischeVerklaring/arts/specialisme" mode="leaf"/>
        <xsl:apply-templates select="medischeVerklaring/onafhankelijk" mode="leaf"/>
      </medischeVerklaring>
      <xsl:apply-templates select="grondslag" mode="leaf"/>
      <xsl:for-each select="contactpersoon">
        <contactpersoon>
          <xsl:apply-templates select="naam" mode="leaf"/>
          <xsl:apply-templates select="rol" mode="leaf"/>
          <xsl:apply-templates select="telefoon" mode="leaf"/>
        </contactpersoon>
      </xsl:for-each>
      <xsl:call-template name="documenten">
        <xsl:with-param name="soorten" select="'besluit medische-verklaring'"/>
      </xsl:call-template>
    </kennisgevingIbs>
  </xsl:template>
</xsl:stylesheet>
