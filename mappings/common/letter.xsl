<?xml version="1.0" encoding="UTF-8"?>
<!--
  Shared by the letter mappings (mappings/<partner>/<product>.letter.xsl, which xsl:import this
  file): a SIGNED product -> the letter model of docs/letters.md, for the print fallback channel.

  The importing stylesheet defines:
    $expected-root, $expected-ns   the product's root element and namespace (checked: a letter is
                                   never made from another product)
    template "title"               the letter's subject (text)
    template "intro"               one or more <p> that say what the letter is about, with the key
                                   facts (decision, date and time, mayor, municipality)
  and may override any section template below.

  Parameters (strings, passed by the print channel; never evaluated as XPath):
    recipient       the postal address lines of the partner, separated by LF
    return-address  the central return address (one line)
    sender          the letterhead lines, separated by LF
    place, date     place and ISO date (YYYY-MM-DD, Europe/Amsterdam) of the letter
    delivery-id     the delivery's id (the letter's reference)
    zaaknummer      the case number; when set it must equal the product's header/zaaknummer

  Everything in the product below its root, except header, documenten and ds:Signature, becomes a
  section, in product order: the letter carries exactly what the partner is entitled to (the
  product already holds only that data). Leaves become label/value rows; dates, date-times and
  booleans are written the Dutch way; an element without a known label keeps its own name, so no
  field is ever dropped silently.

  The product's documenten (the copy of the decision, the medical statement, the results of the
  exploratory investigation: PDFs, covered by the signature) are enclosed: one <enclosure> each,
  in product order, with the base64 content, soort, bestandsnaam and sha256 as the product has
  them (the print channel checks the SHA-256 and prints the PDF's pages after the letter). The
  letter lists them below the signature ("Bijlagen: kopie van het besluit (besluit.pdf), ...").
  A product without documenten encloses nothing.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:param name="recipient" select="''"/>
  <xsl:param name="return-address" select="''"/>
  <xsl:param name="sender" select="''"/>
  <xsl:param name="place" select="''"/>
  <xsl:param name="date" select="''"/>
  <xsl:param name="delivery-id" select="''"/>
  <xsl:param name="zaaknummer" select="''"/>

  <xsl:variable name="expected-root" select="''"/>
  <xsl:variable name="expected-ns" select="''"/>

  <xsl:template match="/">
    <xsl:variable name="product" select="*"/>
    <xsl:if test="local-name($product) != $expected-root or namespace-uri($product) != $expected-ns">
      <xsl:message terminate="yes">letter mapping expects a <xsl:value-of select="$expected-root"/>
        product</xsl:message>
    </xsl:if>
    <xsl:variable name="zaak" select="normalize-space($product/*[local-name() = 'header']/*[local-name() = 'zaaknummer'])"/>
    <xsl:if test="$zaaknummer != '' and $zaaknummer != $zaak">
      <xsl:message terminate="yes">zaaknummer parameter does not match the product</xsl:message>
    </xsl:if>
    <letter>
      <xsl:if test="normalize-space($sender) != ''">
        <sender>
          <xsl:call-template name="lines">
            <xsl:with-param name="text" select="$sender"/>
          </xsl:call-template>
        </sender>
      </xsl:if>
      <xsl:if test="normalize-space($return-address) != ''">
        <returnAddress><xsl:value-of select="$return-address"/></returnAddress>
      </xsl:if>
      <recipient>
        <xsl:call-template name="lines">
          <xsl:with-param name="text" select="$recipient"/>
        </xsl:call-template>
      </recipient>
      <date>
        <xsl:if test="$place != ''"><xsl:value-of select="concat($place, ', ')"/></xsl:if>
        <xsl:call-template name="format-date">
          <xsl:with-param name="value" select="$date"/>
        </xsl:call-template>
      </date>
      <title><xsl:call-template name="title"/></title>
      <reference label="Zaaknummer"><xsl:value-of select="$zaak"/></reference>
      <reference label="Ons kenmerk">
        <xsl:choose>
          <xsl:when test="$delivery-id != ''"><xsl:value-of select="$delivery-id"/></xsl:when>
          <xsl:otherwise>
            <xsl:value-of select="$product/*[local-name() = 'header']/*[local-name() = 'deliveryId']"/>
          </xsl:otherwise>
        </xsl:choose>
      </reference>
      <xsl:for-each select="$product/*[local-name() = 'header']/*[local-name() = 'product']">
        <reference label="Bericht">
          <xsl:value-of select="concat(*[local-name() = 'name'], ' ', *[local-name() = 'version'])"/>
        </reference>
      </xsl:for-each>
      <section>
        <p>Geachte heer, mevrouw,</p>
        <xsl:for-each select="$product"><xsl:call-template name="intro"/></xsl:for-each>
      </section>
      <xsl:variable name="documents"
          select="$product/*[local-name() = 'documenten']/*[local-name() = 'document']"/>
      <xsl:apply-templates mode="section"
          select="$product/*[local-name() != 'header' and local-name() != 'documenten'
                             and local-name() != 'Signature']"/>
      <section heading="Over deze brief">
        <p>U ontvangt deze brief per post omdat de elektronische aflevering van dit bericht niet
          is gelukt. De inhoud is gelijk aan het elektronisch ondertekende bericht met het
          kenmerk hierboven. Deze brief bevat bijzondere persoonsgegevens: behandel hem
          vertrouwelijk.</p>
        <xsl:if test="$documents">
          <p>De bijlagen zijn de documenten uit dat bericht, ongewijzigd afgedrukt achter deze
            brief.</p>
        </xsl:if>
      </section>
      <closing>
        <p>Met vriendelijke groet,</p>
        <xsl:call-template name="first-line">
          <xsl:with-param name="text" select="$sender"/>
        </xsl:call-template>
        <xsl:if test="$documents">
          <p>
            <xsl:text>Bijlagen: </xsl:text>
            <xsl:for-each select="$documents">
              <xsl:if test="position() > 1">, </xsl:if>
              <xsl:call-template name="enclosure-title"/>
              <xsl:value-of select="concat(' (', *[local-name() = 'bestandsnaam'], ')')"/>
            </xsl:for-each>
          </p>
        </xsl:if>
      </closing>
      <xsl:for-each select="$documents">
        <enclosure soort="{*[local-name() = 'soort']}" bestandsnaam="{*[local-name() = 'bestandsnaam']}"
                   sha256="{*[local-name() = 'sha256']}">
          <xsl:attribute name="title"><xsl:call-template name="enclosure-title"/></xsl:attribute>
          <xsl:value-of select="*[local-name() = 'inhoud']"/>
        </enclosure>
      </xsl:for-each>
    </letter>
  </xsl:template>

  <!-- Defaults; every letter mapping overrides them. -->
  <xsl:template name="title">Bericht</xsl:template>
  <xsl:template name="intro"/>

  <!-- ===== sections ===== -->

  <xsl:template match="*" mode="section">
    <section>
      <xsl:attribute name="heading"><xsl:call-template name="heading"/></xsl:attribute>
      <xsl:choose>
        <xsl:when test="*"><xsl:apply-templates select="*" mode="row"/></xsl:when>
        <xsl:otherwise><p><xsl:call-template name="value"/></p></xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <!-- Repeated elements: one section for the run, one row per element. -->
  <xsl:template match="*[local-name() = 'verplichteZorg']" mode="section">
    <xsl:if test="not(preceding-sibling::*[1][local-name() = 'verplichteZorg'])">
      <section heading="Verplichte zorg">
        <xsl:for-each select=". | following-sibling::*[local-name() = 'verplichteZorg']">
          <row label="{concat('Vorm ', *[local-name() = 'code'])}">
            <xsl:for-each select="*[local-name() = 'omschrijving']">
              <xsl:if test="position() > 1">; </xsl:if>
              <xsl:value-of select="."/>
            </xsl:for-each>
          </row>
        </xsl:for-each>
      </section>
    </xsl:if>
  </xsl:template>

  <xsl:template match="*[local-name() = 'gegevensVerkennendOnderzoek']" mode="section">
    <xsl:if test="not(preceding-sibling::*[1][local-name() = 'gegevensVerkennendOnderzoek'])">
      <section heading="Gegevens uit het verkennend onderzoek">
        <xsl:for-each select=". | following-sibling::*[local-name() = 'gegevensVerkennendOnderzoek']">
          <row label="{*[local-name() = 'soort']}">
            <xsl:for-each select="*[local-name() = 'beschikbaar']">
              <xsl:choose>
                <xsl:when test=". = 'true'">beschikbaar</xsl:when>
                <xsl:otherwise>niet beschikbaar</xsl:otherwise>
              </xsl:choose>
            </xsl:for-each>
          </row>
        </xsl:for-each>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- ===== rows ===== -->

  <xsl:template match="*" mode="row">
    <xsl:choose>
      <xsl:when test="*">
        <!-- A nested group: its leaves, labelled with the group's label. -->
        <xsl:variable name="group"><xsl:call-template name="label"/></xsl:variable>
        <xsl:for-each select="*">
          <row>
            <xsl:attribute name="label">
              <xsl:value-of select="concat($group, ', ')"/>
              <xsl:call-template name="label-lower"/>
            </xsl:attribute>
            <xsl:call-template name="value"/>
          </row>
        </xsl:for-each>
      </xsl:when>
      <xsl:otherwise>
        <row>
          <xsl:attribute name="label"><xsl:call-template name="label"/></xsl:attribute>
          <xsl:call-template name="value"/>
        </row>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The name of a person in one row: voornamen voorvoegsel geslachtsnaam. -->
  <xsl:template match="*[local-name() = 'voornamen']" mode="row">
    <row label="Naam">
      <xsl:call-template name="full-name"><xsl:with-param name="person" select=".."/></xsl:call-template>
    </row>
  </xsl:template>
  <xsl:template match="*[local-name() = 'voorvoegsel' or local-name() = 'geslachtsnaam']"
                mode="row">
    <xsl:if test="not(../*[local-name() = 'voornamen'])">
      <xsl:if test="local-name() = 'geslachtsnaam'">
        <row label="Naam">
          <xsl:call-template name="full-name"><xsl:with-param name="person" select=".."/></xsl:call-template>
        </row>
      </xsl:if>
    </xsl:if>
  </xsl:template>

  <xsl:template match="*[local-name() = 'gemeente']" mode="row">
    <row label="Gemeente">
      <xsl:value-of select="*[local-name() = 'naam']"/>
      <xsl:if test="*[local-name() = 'code']">
        <xsl:value-of select="concat(' (gemeentecode ', *[local-name() = 'code'], ')')"/>
      </xsl:if>
    </row>
  </xsl:template>

  <xsl:template match="*[local-name() = 'adres']" mode="row">
    <row>
      <xsl:attribute name="label">
        <xsl:choose>
          <xsl:when test="local-name(..) = 'verblijfplaats'">Adres verblijfplaats</xsl:when>
          <xsl:otherwise>Adres</xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <xsl:call-template name="address"/>
    </row>
  </xsl:template>

  <xsl:template match="*[local-name() = 'verblijfplaats']" mode="row">
    <row label="Verblijfplaats"><xsl:value-of select="*[local-name() = 'naam']"/></row>
    <xsl:apply-templates select="*[local-name() = 'adres']" mode="row"/>
  </xsl:template>

  <xsl:template match="*[local-name() = 'behandelaar' or local-name() = 'advocaat']" mode="row">
    <row>
      <xsl:attribute name="label"><xsl:call-template name="label"/></xsl:attribute>
      <xsl:for-each select="*">
        <xsl:if test="position() > 1">, </xsl:if>
        <xsl:value-of select="."/>
      </xsl:for-each>
    </row>
  </xsl:template>

  <!-- ===== text helpers ===== -->

  <xsl:template name="full-name">
    <xsl:param name="person"/>
    <xsl:for-each select="$person/*[local-name() = 'voornamen' or local-name() = 'voorvoegsel'
                                   or local-name() = 'geslachtsnaam'][normalize-space(.) != '']">
      <xsl:if test="position() > 1"><xsl:text> </xsl:text></xsl:if>
      <xsl:value-of select="normalize-space(.)"/>
    </xsl:for-each>
  </xsl:template>

  <!-- Context: an adres. "Lindelaan 12, 3818 AB Amersfoort". -->
  <xsl:template name="address">
    <xsl:value-of select="concat(*[local-name() = 'straat'], ' ', *[local-name() = 'huisnummer'])"/>
    <xsl:text>, </xsl:text>
    <xsl:for-each select="*[local-name() = 'postcode']"><xsl:value-of select="concat(., ' ')"/></xsl:for-each>
    <xsl:value-of select="*[local-name() = 'woonplaats']"/>
  </xsl:template>

  <!-- The value of a leaf: dates, date-times and booleans the Dutch way. -->
  <xsl:template name="value">
    <xsl:param name="v" select="normalize-space(.)"/>
    <xsl:choose>
      <xsl:when test="$v = 'true'">ja</xsl:when>
      <xsl:when test="$v = 'false'">nee</xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="format-date"><xsl:with-param name="value" select="$v"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "2026-11-21" -> "21 november 2026"; "2026-11-21T23:40:00+01:00" -> "21 november 2026, 23:40
       uur"; anything else unchanged. -->
  <xsl:template name="format-date">
    <xsl:param name="value"/>
    <xsl:variable name="is-date" select="translate(substring($value, 1, 10), '0123456789', '') = '--'
                                         and string-length(substring-before(concat($value, 'T'), 'T')) = 10"/>
    <xsl:choose>
      <xsl:when test="$is-date and number(substring($value, 6, 2)) >= 1 and
                      number(substring($value, 6, 2)) &lt;= 12 and (string-length($value) = 10 or
                      (substring($value, 11, 1) = 'T' and substring($value, 14, 1) = ':'))">
        <xsl:variable name="m" select="number(substring($value, 6, 2))"/>
        <xsl:value-of select="number(substring($value, 9, 2))"/>
        <xsl:text> </xsl:text>
        <xsl:value-of select="substring-before(substring-after(
            '|1januari|2februari|3maart|4april|5mei|6juni|7juli|8augustus|9september|10oktober|11november|12december|',
            concat('|', $m)), '|')"/>
        <xsl:value-of select="concat(' ', substring($value, 1, 4))"/>
        <xsl:if test="string-length($value) > 10">
          <xsl:value-of select="concat(', ', substring($value, 12, 5), ' uur')"/>
        </xsl:if>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- One <line> per LF-separated line of $text (empty lines skipped). -->
  <xsl:template name="lines">
    <xsl:param name="text"/>
    <xsl:variable name="head" select="substring-before(concat($text, '&#10;'), '&#10;')"/>
    <xsl:if test="normalize-space($head) != ''"><line><xsl:value-of select="$head"/></line></xsl:if>
    <xsl:if test="contains($text, '&#10;')">
      <xsl:call-template name="lines">
        <xsl:with-param name="text" select="substring-after($text, '&#10;')"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="first-line">
    <xsl:param name="text"/>
    <xsl:variable name="head" select="substring-before(concat($text, '&#10;'), '&#10;')"/>
    <xsl:if test="normalize-space($head) != ''"><p><xsl:value-of select="$head"/></p></xsl:if>
  </xsl:template>

  <!-- ===== labels ===== -->

  <!-- Context: a document. How the letter names it; an unknown soort keeps its own name. -->
  <xsl:template name="enclosure-title">
    <xsl:variable name="soort" select="normalize-space(*[local-name() = 'soort'])"/>
    <xsl:choose>
      <xsl:when test="$soort = 'besluit'">kopie van het besluit</xsl:when>
      <xsl:when test="$soort = 'medische-verklaring'">medische verklaring</xsl:when>
      <xsl:when test="$soort = 'onderzoeksresultaten'">resultaten van het verkennend onderzoek</xsl:when>
      <xsl:otherwise><xsl:value-of select="$soort"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="heading">
    <xsl:variable name="n" select="local-name()"/>
    <xsl:choose>
      <xsl:when test="$n = 'besluit'">Besluit</xsl:when>
      <xsl:when test="$n = 'beeindiging'">Beëindiging</xsl:when>
      <xsl:when test="$n = 'maatregel'">Maatregel</xsl:when>
      <xsl:when test="$n = 'aanvraag'">Aanvraag</xsl:when>
      <xsl:when test="$n = 'betrokkene'">Betrokkene</xsl:when>
      <xsl:when test="$n = 'zorgaanbieder'">Zorgaanbieder</xsl:when>
      <xsl:when test="$n = 'geneeskundigeVerklaring'">Geneeskundige verklaring</xsl:when>
      <xsl:when test="$n = 'medischeVerklaring'">Medische verklaring</xsl:when>
      <xsl:when test="$n = 'contactpersoon'">Contactpersoon</xsl:when>
      <xsl:when test="$n = 'melder'">Melder</xsl:when>
      <xsl:when test="$n = 'advocaat'">Advocaat van betrokkene</xsl:when>
      <xsl:otherwise><xsl:call-template name="label"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="label">
    <xsl:variable name="n" select="local-name()"/>
    <xsl:choose>
      <xsl:when test="$n = 'datumTijd'">Datum en tijd</xsl:when>
      <xsl:when test="$n = 'datum'">Datum</xsl:when>
      <xsl:when test="$n = 'geldigTot'">Geldig tot</xsl:when>
      <xsl:when test="$n = 'burgemeester'">Burgemeester</xsl:when>
      <xsl:when test="$n = 'reden'">Reden</xsl:when>
      <xsl:when test="$n = 'bsn'">BSN</xsl:when>
      <xsl:when test="$n = 'geboortedatum'">Geboortedatum</xsl:when>
      <xsl:when test="$n = 'toestemming'">Toestemming betrokkene</xsl:when>
      <xsl:when test="$n = 'agbCode'">AGB-code</xsl:when>
      <xsl:when test="$n = 'naam'">Naam</xsl:when>
      <xsl:when test="$n = 'locatie'">Locatie</xsl:when>
      <xsl:when test="$n = 'psychiater'">Psychiater</xsl:when>
      <xsl:when test="$n = 'arts'">Arts</xsl:when>
      <xsl:when test="$n = 'bigNummer'">BIG-nummer</xsl:when>
      <xsl:when test="$n = 'onafhankelijk'">Onafhankelijk</xsl:when>
      <xsl:when test="$n = 'specialisme'">Specialisme</xsl:when>
      <xsl:when test="$n = 'grondslag'">Grondslag</xsl:when>
      <xsl:when test="$n = 'rol'">Rol</xsl:when>
      <xsl:when test="$n = 'telefoon'">Telefoon</xsl:when>
      <xsl:when test="$n = 'soort'">Soort</xsl:when>
      <xsl:when test="$n = 'wet'">Wet</xsl:when>
      <xsl:when test="$n = 'verkennendOnderzoek'">Verkennend onderzoek</xsl:when>
      <xsl:when test="$n = 'uitgevoerdDoor'">Uitgevoerd door</xsl:when>
      <xsl:when test="$n = 'afgerondOp'">Afgerond op</xsl:when>
      <xsl:when test="$n = 'conclusie'">Conclusie</xsl:when>
      <xsl:when test="$n = 'behandelaar'">Behandelaar</xsl:when>
      <xsl:when test="$n = 'functie'">Functie</xsl:when>
      <xsl:when test="$n = 'advocaat'">Advocaat</xsl:when>
      <xsl:when test="$n = 'kantoor'">Kantoor</xsl:when>
      <xsl:when test="$n = 'code'">Code</xsl:when>
      <xsl:when test="$n = 'omschrijving'">Omschrijving</xsl:when>
      <xsl:when test="$n = 'beschikbaar'">Beschikbaar</xsl:when>
      <xsl:otherwise><xsl:value-of select="$n"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="label-lower">
    <xsl:variable name="l"><xsl:call-template name="label"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$l = 'BSN' or $l = 'AGB-code' or $l = 'BIG-nummer'"><xsl:value-of select="$l"/></xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="concat(translate(substring($l, 1, 1), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
                              'abcdefghijklmnopqrstuvwxyz'), substring($l, 2))"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
