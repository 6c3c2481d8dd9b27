<?xml version="1.0" encoding="UTF-8"?>
<!--
  wvggz.crisismaatregel.genomen (event XML form) -> igj / melding-crisismaatregel 1.0.
  Schema: schemas/igj/melding-crisismaatregel.xsd (read its annotations for why each personal field is sent).
  No BSN, no address or place of stay (no adres element), no contact person, no lawyer, no
  consent flag.
  Parameters: see ../common/header.xsl; shared field templates: ../common/fields.xsl.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns="urn:ketenhub:igj:melding-crisismaatregel:1"
                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                exclude-result-prefixes="xsi">

  <xsl:include href="../common/header.xsl"/>
  <xsl:include href="../common/fields.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:variable name="ns" select="'urn:ketenhub:igj:melding-crisismaatregel:1'"/>

  <xsl:template match="/">
    <xsl:apply-templates select="event"/>
  </xsl:template>

  <xsl:template match="/event">
    <xsl:call-template name="check-event">
      <xsl:with-param name="expected-event-type" select="'wvggz.crisismaatregel.genomen'"/>
      <xsl:with-param name="zaaknummer" select="zaaknummer"/>
    </xsl:call-template>
    <meldingCrisismaatregel>
      <xsl:call-template name="header">
        <xsl:with-param name="ns" select="$ns"/>
        <xsl:with-param name="product-name" select="'melding-crisismaatregel'"/>
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
          <xsl:call-template name="naam"/>
          <xsl:apply-templates select="geboortedatum" mode="leaf"/>
        </xsl:for-each>
      </betrokkene>
      <xsl:for-each select="zorgaanbieder"><xsl:call-template name="zorgaanbieder"/></xsl:for-each>
      <geneeskundigeVerklaring>
        <xsl:apply-templates select="geneeskundigeVerklaring/datum" mode="leaf"/>
        <psychiater><xsl:value-of select="geneeskundigeVerklaring/psychiater/naam"/></psychiater>
        <bigNummer><xsl:value-of select="geneeskundigeVerklaring/psychiater/bigNummer"/></bigNummer>
        <xsl:apply-templates select="geneeskundigeVerklaring/onafhankelijk" mode="leaf"/>
      </geneeskundigeVerklaring>
      <xsl:for-each select="verplichteZorg">
        <verplichteZorg>
          <xsl:apply-templates select="code" mode="leaf"/>
          <xsl:apply-templates select="omschrijving" mode="leaf"/>
        </verplichteZorg>
      </xsl:for-each>
      <xsl:call-template name="documenten">
        <xsl:with-param name="soorten" select="'besluit medische-verklaring'"/>
      </xsl:call-template>
    </meldingCrisismaatregel>
  </xsl:template>
</xsl:stylesheet>
