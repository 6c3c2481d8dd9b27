<?xml version="1.0" encoding="UTF-8"?>
<!--
  wvggz.crisismaatregel.genomen (event XML form) -> om / kennisgeving-crisismaatregel 1.0.
  Schema: schemas/om/kennisgeving-crisismaatregel.xsd (read its annotations for why each personal
  field is sent). Only what the prosecutor needs: no home address, no contact person, no consent
  flags. Parameters: see ../common/header.xsl.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns="urn:ketenhub:om:kennisgeving-crisismaatregel:1"
                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                exclude-result-prefixes="xsi">

  <xsl:include href="../common/header.xsl"/>
  <xsl:include href="../common/fields.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:variable name="ns" select="'urn:ketenhub:om:kennisgeving-crisismaatregel:1'"/>

  <xsl:template match="/">
    <xsl:apply-templates select="event"/>
  </xsl:template>

  <xsl:template match="/event">
    <xsl:call-template name="check-event">
      <xsl:with-param name="expected-event-type" select="'wvggz.crisismaatregel.genomen'"/>
      <xsl:with-param name="zaaknummer" select="zaaknummer"/>
    </xsl:call-template>
    <kennisgevingCrisismaatregel>
      <xsl:call-template name="header">
        <xsl:with-param name="ns" select="$ns"/>
        <xsl:with-param name="product-name" select="'kennisgeving-crisismaatregel'"/>
        <xsl:with-param name="product-version" select="'1.0'"/>
        <xsl:with-param name="zaaknummer" select="zaaknummer"/>
      </xsl:call-template>
      <besluit>
        <datumTijd><xsl:value-of select="besluit/datumTijd"/></datumTijd>
        <geldigTot><xsl:value-of select="besluit/geldigTot"/></geldigTot>
        <burgemeester><xsl:value-of select="besluit/burgemeester/naam"/></burgemeester>
        <gemeente>
          <code><xsl:value-of select="besluit/gemeente/code"/></code>
          <naam><xsl:value-of select="besluit/gemeente/naam"/></naam>
        </gemeente>
      </besluit>
      <xsl:apply-templates select="betrokkene"/>
      <zorgaanbieder>
        <agbCode><xsl:value-of select="zorgaanbieder/agbCode"/></agbCode>
        <naam><xsl:value-of select="zorgaanbieder/naam"/></naam>
        <xsl:for-each select="zorgaanbieder/locatie">
          <locatie><xsl:value-of select="."/></locatie>
        </xsl:for-each>
      </zorgaanbieder>
      <geneeskundigeVerklaring>
        <datum><xsl:value-of select="geneeskundigeVerklaring/datum"/></datum>
        <psychiater><xsl:value-of select="geneeskundigeVerklaring/psychiater/naam"/></psychiater>
        <bigNummer><xsl:value-of select="geneeskundigeVerklaring/psychiater/bigNummer"/></bigNummer>
        <onafhankelijk><xsl:value-of select="geneeskundigeVerklaring/onafhankelijk"/></onafhankelijk>
      </geneeskundigeVerklaring>
      <xsl:for-each select="verplichteZorg">
        <verplichteZorg>
          <code><xsl:value-of select="code"/></code>
          <xsl:for-each select="omschrijving">
            <omschrijving><xsl:value-of select="."/></omschrijving>
          </xsl:for-each>
        </verplichteZorg>
      </xsl:for-each>
      <xsl:call-template name="documenten">
        <xsl:with-param name="soorten" select="'besluit medische-verklaring'"/>
      </xsl:call-template>
    </kennisgevingCrisismaatregel>
  </xsl:template>

  <xsl:template match="betrokkene">
    <betrokkene>
      <xsl:for-each select="bsn"><bsn><xsl:value-of select="."/></bsn></xsl:for-each>
      <voornamen><xsl:value-of select="voornamen"/></voornamen>
      <xsl:for-each select="voorvoegsel[normalize-space(.) != '']">
        <voorvoegsel><xsl:value-of select="."/></voorvoegsel>
      </xsl:for-each>
      <geslachtsnaam><xsl:value-of select="geslachtsnaam"/></geslachtsnaam>
      <geboortedatum><xsl:value-of select="geboortedatum"/></geboortedatum>
      <xsl:for-each select="verblijfplaats">
        <verblijfplaats>
          <naam><xsl:value-of select="naam"/></naam>
          <xsl:for-each select="adres">
            <adres>
              <straat><xsl:value-of select="straat"/></straat>
              <huisnummer>
                <xsl:value-of select="huisnummer"/>
                <xsl:if test="huisnummertoevoeging">
                  <xsl:value-of select="concat(' ', huisnummertoevoeging)"/>
                </xsl:if>
              </huisnummer>
              <xsl:for-each select="postcode"><postcode><xsl:value-of select="."/></postcode></xsl:for-each>
              <woonplaats><xsl:value-of select="woonplaats"/></woonplaats>
            </adres>
          </xsl:for-each>
        </verblijfplaats>
      </xsl:for-each>
    </betrokkene>
  </xsl:template>
</xsl:stylesheet>
