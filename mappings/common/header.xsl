<?xml version="1.0" encoding="UTF-8"?>
<!--
  Shared by every product mapping (xsl:include it): the standard stylesheet parameters the hub
  passes (all strings, docs/json-to-xml.md) and the product header.

  Call template "header" with $ns (the product namespace), $product-name, $product-version and
  $zaaknummer; it writes header/{messageId, deliveryId, sender/{name, oin}, receiver,
  product/{name, version}, creationTime, zaaknummer} in namespace $ns.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:param name="message-id" select="''"/>
  <xsl:param name="case-id" select="''"/>
  <xsl:param name="event-type" select="''"/>
  <xsl:param name="actor" select="''"/>
  <xsl:param name="delivery-id" select="''"/>
  <xsl:param name="sent-at" select="''"/>
  <xsl:param name="sender-oin" select="''"/>
  <xsl:param name="sender-name" select="''"/>
  <xsl:param name="receiver" select="''"/>

  <!-- Stops the mapping when the AMQP properties disagree with the event body. -->
  <xsl:template name="check-event">
    <xsl:param name="expected-event-type"/>
    <xsl:param name="zaaknummer"/>
    <xsl:if test="$event-type != '' and $event-type != $expected-event-type">
      <xsl:message terminate="yes">event-type '<xsl:value-of select="$event-type"/>' cannot be
        mapped by this stylesheet (expects '<xsl:value-of select="$expected-event-type"/>')</xsl:message>
    </xsl:if>
    <xsl:if test="$case-id != '' and $case-id != $zaaknummer">
      <xsl:message terminate="yes">case-id property does not match the event's zaaknummer</xsl:message>
    </xsl:if>
  </xsl:template>

  <xsl:template name="header">
    <xsl:param name="ns"/>
    <xsl:param name="product-name"/>
    <xsl:param name="product-version"/>
    <xsl:param name="zaaknummer"/>
    <xsl:element name="header" namespace="{$ns}">
      <xsl:element name="messageId" namespace="{$ns}"><xsl:value-of select="$message-id"/></xsl:element>
      <xsl:element name="deliveryId" namespace="{$ns}"><xsl:value-of select="$delivery-id"/></xsl:element>
      <xsl:element name="sender" namespace="{$ns}">
        <xsl:element name="name" namespace="{$ns}"><xsl:value-of select="$sender-name"/></xsl:element>
        <xsl:element name="oin" namespace="{$ns}"><xsl:value-of select="$sender-oin"/></xsl:element>
      </xsl:element>
      <xsl:element name="receiver" namespace="{$ns}"><xsl:value-of select="$receiver"/></xsl:element>
      <xsl:element name="product" namespace="{$ns}">
        <xsl:element name="name" namespace="{$ns}"><xsl:value-of select="$product-name"/></xsl:element>
        <xsl:element name="version" namespace="{$ns}"><xsl:value-of select="$product-version"/></xsl:element>
      </xsl:element>
      <xsl:element name="creationTime" namespace="{$ns}"><xsl:value-of select="$sent-at"/></xsl:element>
      <xsl:element name="zaaknummer" namespace="{$ns}"><xsl:value-of select="$zaaknummer"/></xsl:element>
    </xsl:element>
  </xsl:template>
</xsl:stylesheet>
