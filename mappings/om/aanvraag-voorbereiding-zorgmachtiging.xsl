<?xml version="1.0" encoding="UTF-8"?>
<!--
  wvggz.zorgmachtiging.aanvraag (event XML form) -> om / aanvraag-voorbereiding-zorgmachtiging 1.0.
  Schema: schemas/om/aanvraag-voorbereiding-zorgmachtiging.xsd (read its annotations for why each personal field is sent).
  No name of the reporter (only its kind), no contact person, no investigation data (only which
  sources were consulted).
  Parameters: see ../common/header.xsl; shared field templates: ../common/fields.xsl.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns="urn:ketenhub:om:aanvraag-voorbereiding-zorgmachtiging:1"
                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                exclude-result-prefixes="xsi">

  <xsl:include href="../common/header.xsl"/>
  <xsl:include href="../common/fields.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:variable name="ns" select="'urn:ketenhub:om:aanvraag-voorbereiding-zorgmachtiging:1'"/>

  <xsl:template match="/">
    <xsl:apply-templates select="event"/>
  </xsl:template>

  <xsl:template match="/event">
    <xsl:call-template name="check-event">
      <xsl:with-param name="expected-event-type" select="'wvggz.zorgmachtiging.aanvraag'"/>
      <xsl:with-param name="zaaknummer" select="zaaknummer"/>
    </xsl:call-template>
    <aanvraagVoorbereidingZorgmachtiging>
      <xsl:call-template name="header">
        <xsl:with-param name="ns" select="$ns"/>
        <xsl:with-param name="product-name" select="'aanvraag-voorbereiding-zorgmachtiging'"/>
        <xsl:with-param name="product-version" select="'1.0'"/>
        <xsl:with-param name="zaaknummer" select="zaaknummer"/>
      </xsl:call-template>
      <aanvraag>
        <xsl:apply-templates select="aanvraag/datum" mode="leaf"/>
        <datumOntvangstMelding><xsl:value-of select="melding/datumOntvangst"/></datumOntvangstMelding>
        <verkennendOnderzoek>
          <xsl:apply-templates select="aanvraag/verkennendOnderzoek/uitgevoerdDoor" mode="leaf"/>
          <xsl:apply-templates select="aanvraag/verkennendOnderzoek/afgerondOp" mode="leaf"/>
          <xsl:apply-templates select="aanvraag/verkennendOnderzoek/conclusie" mode="leaf"/>
        </verkennendOnderzoek>
        <xsl:for-each select="aanvraag/gemeente"><xsl:call-template name="gemeente"/></xsl:for-each>
        <xsl:for-each select="aanvraag/behandelaar">
          <behandelaar>
            <xsl:apply-templates select="naam" mode="leaf"/>
            <xsl:apply-templates select="functie" mode="leaf"/>
          </behandelaar>
        </xsl:for-each>
      </aanvraag>
      <betrokkene>
        <xsl:for-each select="betrokkene">
          <xsl:apply-templates select="bsn" mode="leaf"/>
          <xsl:call-template name="naam"/>
          <xsl:apply-templates select="geboortedatum" mode="leaf"/>
          <xsl:for-each select="adres"><xsl:call-template name="adres"/></xsl:for-each>
          <xsl:for-each select="verblijfplaats"><xsl:call-template name="verblijfplaats"/></xsl:for-each>
        </xsl:for-each>
      </betrokkene>
      <xsl:for-each select="melder">
        <melder><xsl:apply-templates select="soort" mode="leaf"/></melder>
      </xsl:for-each>
      <xsl:for-each select="gegevensVerkennendOnderzoek">
        <gegevensVerkennendOnderzoek>
          <xsl:apply-templates select="soort" mode="leaf"/>
          <xsl:apply-templates select="beschikbaar" mode="leaf"/>
        </gegevensVerkennendOnderzoek>
      </xsl:for-each>
      <xsl:call-template name="documenten">
        <xsl:with-param name="soorten" select="'onderzoeksresultaten'"/>
      </xsl:call-template>
    </aanvraagVoorbereidingZorgmachtiging>
  </xsl:template>
</xsl:stylesheet>
