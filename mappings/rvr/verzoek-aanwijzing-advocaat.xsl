<?xml version="1.0" encoding="UTF-8"?>
<!--
  wvggz.crisismaatregel.genomen or wzd.inbewaringstelling.genomen (event XML form)
    -> rvr / verzoek-aanwijzing-advocaat 1.0.
  Schema: schemas/rvr/verzoek-aanwijzing-advocaat.xsd (read its annotations for why each personal
  field is sent). One product for both event types: the kind of measure comes from the event-type
  parameter and, when that is not given, from the event's shape (a crisis measure has a
  geneeskundigeVerklaring, a Wzd detention a medischeVerklaring); a parameter that contradicts the
  shape stops the mapping. Identification and place of stay only: no home address, no medical
  statement, no forms of care, no grondslag, no contact person.
  Parameters: see ../common/header.xsl; shared field templates: ../common/fields.xsl.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns="urn:ketenhub:rvr:verzoek-aanwijzing-advocaat:1"
                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                exclude-result-prefixes="xsi">

  <xsl:include href="../common/header.xsl"/>
  <xsl:include href="../common/fields.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:variable name="ns" select="'urn:ketenhub:rvr:verzoek-aanwijzing-advocaat:1'"/>
  <xsl:variable name="crisis" select="'wvggz.crisismaatregel.genomen'"/>
  <xsl:variable name="ibs" select="'wzd.inbewaringstelling.genomen'"/>

  <xsl:template match="/">
    <xsl:apply-templates select="event"/>
  </xsl:template>

  <xsl:template match="/event">
    <xsl:call-template name="check-event-types">
      <xsl:with-param name="expected-event-types" select="concat($crisis, ' ', $ibs)"/>
      <xsl:with-param name="zaaknummer" select="zaaknummer"/>
    </xsl:call-template>
    <!-- The event's own shape. -->
    <xsl:variable name="shape">
      <xsl:choose>
        <xsl:when test="geneeskundigeVerklaring and not(medischeVerklaring)">
          <xsl:value-of select="$crisis"/>
        </xsl:when>
        <xsl:when test="medischeVerklaring and not(geneeskundigeVerklaring)">
          <xsl:value-of select="$ibs"/>
        </xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="type">
      <xsl:choose>
        <xsl:when test="$event-type != ''"><xsl:value-of select="$event-type"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$shape"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="$shape = '' or $type != $shape">
      <xsl:message terminate="yes">event body does not have the shape of event-type '<xsl:value-of
        select="$type"/>' (a crisis measure has a geneeskundigeVerklaring, a Wzd detention a
        medischeVerklaring)</xsl:message>
    </xsl:if>
    <verzoekAanwijzingAdvocaat>
      <xsl:call-template name="header">
        <xsl:with-param name="ns" select="$ns"/>
        <xsl:with-param name="product-name" select="'verzoek-aanwijzing-advocaat'"/>
        <xsl:with-param name="product-version" select="'1.0'"/>
        <xsl:with-param name="zaaknummer" select="zaaknummer"/>
      </xsl:call-template>
      <maatregel>
        <xsl:choose>
          <xsl:when test="$type = $crisis">
            <wet>Wvggz</wet>
            <soort>crisismaatregel</soort>
          </xsl:when>
          <xsl:otherwise>
            <wet>Wzd</wet>
            <soort>inbewaringstelling</soort>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:apply-templates select="besluit/datumTijd" mode="leaf"/>
        <xsl:apply-templates select="besluit/geldigTot" mode="leaf"/>
        <xsl:for-each select="besluit/gemeente"><xsl:call-template name="gemeente"/></xsl:for-each>
      </maatregel>
      <betrokkene>
        <xsl:for-each select="betrokkene">
          <xsl:apply-templates select="bsn" mode="leaf"/>
          <xsl:call-template name="naam"/>
          <xsl:apply-templates select="geboortedatum" mode="leaf"/>
          <xsl:for-each select="verblijfplaats"><xsl:call-template name="verblijfplaats"/></xsl:for-each>
        </xsl:for-each>
      </betrokkene>
      <xsl:for-each select="zorgaanbieder"><xsl:call-template name="zorgaanbieder"/></xsl:for-each>
      <xsl:for-each select="advocaat">
        <advocaat>
          <xsl:apply-templates select="naam" mode="leaf"/>
          <xsl:apply-templates select="kantoor" mode="leaf"/>
          <xsl:apply-templates select="telefoon" mode="leaf"/>
        </advocaat>
      </xsl:for-each>
    </verzoekAanwijzingAdvocaat>
  </xsl:template>
</xsl:stylesheet>
