<?xml version="1.0" encoding="UTF-8"?>
<!--
  Shared by the product mappings (xsl:include it next to header.xsl): copying the event's fields
  into the product namespace. The including stylesheet defines the top-level variable $ns (its
  product namespace); every element written here is in that namespace.

  Nothing here copies a whole subtree of the event: each template names the fields it writes, so a
  mapping only ever sends what it selects (data minimisation).

  - mode "leaf": <x>text</x> in the event -> <x>text</x> in $ns (select leaves only);
    an empty voorvoegsel ("" = no prefix) is dropped.
  - template "naam" (context: betrokkene): voornamen, voorvoegsel?, geslachtsnaam.
  - template "adres" (context: an event adres): straat, huisnummer (with its addition,
    huisnummertoevoeging), postcode?, woonplaats.
  - template "verblijfplaats" (context: verblijfplaats): naam, adres?.
  - template "zorgaanbieder" (context: zorgaanbieder; param with-agb, default true).
  - template "gemeente" (context: gemeente): code, naam.
  - template "documenten" (context: event; param soorten: space-separated list of document kinds):
    <documenten> with one <document> per event document of those kinds (soort, bestandsnaam,
    mimeType, sha256, inhoud in base64 as received), inside the signed product; nothing when the
    event has none of them.
  - template "check-event-types": like check-event in header.xsl, for a mapping that serves
    several event types ($expected-event-types: space-separated list).
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:template match="*" mode="leaf">
    <xsl:element name="{local-name()}" namespace="{$ns}">
      <xsl:value-of select="."/>
    </xsl:element>
  </xsl:template>
  <xsl:template match="voorvoegsel[normalize-space(.) = '']" mode="leaf"/>

  <xsl:template name="naam">
    <xsl:apply-templates select="voornamen" mode="leaf"/>
    <xsl:apply-templates select="voorvoegsel" mode="leaf"/>
    <xsl:apply-templates select="geslachtsnaam" mode="leaf"/>
  </xsl:template>

  <xsl:template name="adres">
    <xsl:element name="adres" namespace="{$ns}">
      <xsl:apply-templates select="straat" mode="leaf"/>
      <xsl:element name="huisnummer" namespace="{$ns}">
        <xsl:value-of select="huisnummer"/>
        <xsl:for-each select="huisnummertoevoeging">
          <xsl:value-of select="concat(' ', .)"/>
        </xsl:for-each>
      </xsl:element>
      <xsl:apply-templates select="postcode" mode="leaf"/>
      <xsl:apply-templates select="woonplaats" mode="leaf"/>
    </xsl:element>
  </xsl:template>

  <xsl:template name="documenten">
    <xsl:param name="soorten"/>
    <xsl:variable name="docs"
                  select="documenten[contains(concat(' ', $soorten, ' '), concat(' ', soort, ' '))]"/>
    <xsl:if test="$docs">
      <xsl:element name="documenten" namespace="{$ns}">
        <xsl:for-each select="$docs">
          <xsl:element name="document" namespace="{$ns}">
            <xsl:apply-templates select="soort" mode="leaf"/>
            <xsl:apply-templates select="bestandsnaam" mode="leaf"/>
            <xsl:apply-templates select="mimeType" mode="leaf"/>
            <xsl:apply-templates select="sha256" mode="leaf"/>
            <xsl:apply-templates select="inhoud" mode="leaf"/>
          </xsl:element>
        </xsl:for-each>
      </xsl:element>
    </xsl:if>
  </xsl:template>

  <xsl:template name="verblijfplaats">
    <xsl:element name="verblijfplaats" namespace="{$ns}">
      <xsl:apply-templates select="naam" mode="leaf"/>
      <xsl:for-each select="adres">
        <xsl:call-template name="adres"/>
      </xsl:for-each>
    </xsl:element>
  </xsl:template>

  <xsl:template name="zorgaanbieder">
    <xsl:param name="with-agb" select="true()"/>
    <xsl:element name="zorgaanbieder" namespace="{$ns}">
      <xsl:if test="$with-agb">
        <xsl:apply-templates select="agbCode" mode="leaf"/>
      </xsl:if>
      <xsl:apply-templates select="naam" mode="leaf"/>
      <xsl:apply-templates select="locatie" mode="leaf"/>
    </xsl:element>
  </xsl:template>

  <xsl:template name="gemeente">
    <xsl:element name="gemeente" namespace="{$ns}">
      <xsl:apply-templates select="code" mode="leaf"/>
      <xsl:apply-templates select="naam" mode="leaf"/>
    </xsl:element>
  </xsl:template>

  <xsl:template name="check-event-types">
    <xsl:param name="expected-event-types"/>
    <xsl:param name="zaaknummer"/>
    <xsl:if test="$event-type != '' and
                  not(contains(concat(' ', $expected-event-types, ' '), concat(' ', $event-type, ' ')))">
      <xsl:message terminate="yes">event-type '<xsl:value-of select="$event-type"/>' cannot be
        mapped by this stylesheet (expects one of '<xsl:value-of select="$expected-event-types"/>')</xsl:message>
    </xsl:if>
    <xsl:if test="$case-id != '' and $case-id != $zaaknummer">
      <xsl:message terminate="yes">case-id property does not match the event's zaaknummer</xsl:message>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
