<?xml version="1.0" encoding="UTF-8"?>
<!--
  wvggz.crisismaatregel.beeindigd (event XML form) -> pvp / informeren-pvp-beeindiging 1.0.
  Schema: schemas/pvp/informeren-pvp-beeindiging.xsd (read its annotations for why each personal field is sent).
  Sent when the patient advocate got (or will get) the start notice of the same case: the route's
  delivered_before condition, decided on the case's history. The consent given at the start covers
  the end, so the end event's own consent field is not looked at. The end time and the name: no
  BSN, no birth date, no address, no reason, no contact person.
  Parameters: see ../common/header.xsl; shared field templates: ../common/fields.xsl.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns="urn:ketenhub:pvp:informeren-pvp-beeindiging:1"
                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                exclude-result-prefixes="xsi">

  <xsl:include href="../common/header.xsl"/>
  <xsl:include href="../common/fields.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:variable name="ns" select="'urn:ketenhub:pvp:informeren-pvp-beeindiging:1'"/>

  <xsl:template match="/">
    <xsl:apply-templates select="event"/>
  </xsl:template>

  <xsl:template match="/event">
    <xsl:call-template name="check-event">
      <xsl:with-param name="expected-event-type" select="'wvggz.crisismaatregel.beeindigd'"/>
      <xsl:with-param name="zaaknummer" select="zaaknummer"/>
    </xsl:call-template>
    <informerenPvpBeeindiging>
      <xsl:call-template name="header">
        <xsl:with-param name="ns" select="$ns"/>
        <xsl:with-param name="product-name" select="'informeren-pvp-beeindiging'"/>
        <xsl:with-param name="product-version" select="'1.0'"/>
        <xsl:with-param name="zaaknummer" select="zaaknummer"/>
      </xsl:call-template>
      <beeindiging>
        <xsl:apply-templates select="beeindiging/datumTijd" mode="leaf"/>
      </beeindiging>
      <betrokkene>
        <xsl:for-each select="betrokkene"><xsl:call-template name="naam"/></xsl:for-each>
      </betrokkene>
      <xsl:for-each select="zorgaanbieder"><xsl:call-template name="zorgaanbieder"/></xsl:for-each>
    </informerenPvpBeeindiging>
  </xsl:template>
</xsl:stylesheet>
