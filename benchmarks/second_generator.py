"""A second, independent generator of messy customer files for the duplicate-detection benchmark.

Written without looking at custtui's demo generator or its duplicate detection: names, addresses and
noise follow what real customer files of Belgian, Dutch, Luxembourg, French and German installers
contain. Standard library only, deterministic for a seed.

About 70 % persons, 30 % businesses; 16 % of persons and 25 % of businesses get 1-4 more records.
Half of the copies come from another source (an ERP import, the webshop, an Excel list) with its own
conventions (name order, phone, postal code and VAT writing, no accents, Excel's lost zeros), and
every copy gets noise at the rates of the P_ constants below: name typos (1-2 edits, AZERTY, QWERTY
and QWERTZ neighbours), dropped accents, case, spaces, mojibake; order, initials, nicknames, married
and double names, households; legal forms added, dropped, moved or reformed (BVBA -> BV), "&" / "en",
trade words, "Gebr." / "Ets"; street typos and abbreviations, postal typos, house numbers and boxes,
cities missing or in the other language, address lines swapped, moves; phone, e-mail, VAT and
customer number changed or missing. Hard negatives (HN_ constants: family, neighbours, namesakes,
one surname in one street, business parks, chain branches, franchisees, an owner and his business)
test precision.

    python benchmarks/second_generator.py 10000 --seed 1 --out records.csv [--hard-negatives hn.csv]
"""

import argparse
import csv
import random
import string
import sys
from dataclasses import dataclass, field, replace

FIELDS = (
    "record_id", "entity_id", "kind", "name", "alias", "street", "number", "postal_code", "city",
    "country", "phone", "email", "vat_number", "customer_number",
)

# ---------------------------------------------------------------------------------------------
# Rates. Entities.
COUNTRY_WEIGHTS = {"BE": 62, "NL": 15, "LU": 8, "FR": 9, "DE": 6}
BUSINESS_SHARE = {"BE": 0.30, "NL": 0.27, "LU": 0.36, "FR": 0.26, "DE": 0.33}
P_COUPLE = 0.14            # a person record is a household: "Jan en Marie Peeters", "M. et Mme Dubois"
P_SPOUSE_NAME = 0.35       # a woman has a married name besides her own (Peeters-Janssens, "née", "geb.")

# Duplicates: share of entities with more records, and how many more.
P_DUPLICATED = {"person": 0.16, "business": 0.25}
EXTRA_COPIES = ((1, 78), (2, 15), (3, 5), (4, 2))
P_OTHER_SOURCE = 0.50      # the copy comes from another source with its own writing conventions
P_SOURCE_SAME_ORDER = 0.50  # ... which still writes names in the same order (a national habit)

# Conventions of a source (every record, originals too).
P_ASCII_ONLY = 0.08        # an old system without accents (Muller, Liege, Chaussee)
P_EXCEL = 0.07             # the list went through Excel: postal, phone and number lose leading zeros
P_ALL_CAPS = 0.05          # an old ERP writes name, street and city in capitals
P_BASE_TYPO = 0.02         # a typo already in the original record

# Noise of a copy: persons.
P_ORDER_SWAP = 0.15        # "Peeters Jan" vs "Jan Peeters" vs "Peeters, Jan"
P_INITIAL = 0.08           # "J. Peeters", "Peeters J."
P_NICKNAME = 0.25          # Johannes / Jan, Wilhelmus / Wim, Jean-Pierre / JP (when the name has one)
P_TITLE_CHANGE = 0.10      # "Dhr.", "Mme", "Herr" added or dropped
P_MARRIED_NAME = 0.30      # own name / husband's name / both / "née" (women with a married name)
P_PARTICLE = 0.25          # Van den Bossche / Vandenbossche / van den Bossche (names with particles)
P_COUPLE_VARIANT = 0.45    # another way to write a household
P_PARTNER_ONLY = 0.10      # the household written with the partner's name only
P_SURNAME_ONLY = 0.03      # "Peeters" or "Fam. Peeters"
# Noise of a copy: businesses.
P_LEGAL_FORM_CHANGE = 0.30  # legal form dropped, added, moved to the front, respelt, or old/new (BVBA/BV)
P_AMP_CHANGE = 0.40        # "&" vs "en" / "et" / "und"
P_TRADE_DROP = 0.12        # "Bakkerij Peeters" -> "Peeters"
P_ABBREV_CHANGE = 0.50     # Gebroeders / Gebr., Etablissements / Ets, & Zonen / & Zn.
P_OWNER_ADDED = 0.06       # "Garage Dubois - Jean Dubois"
P_KIND_AS_PERSON = 0.05    # a sole trader's copy is filed as a person under the owner's name
P_KIND_WRONG = 0.015       # the kind field is wrong (business filed as person or the reverse)
# Noise of a copy: names (both kinds).
P_NAME_TYPO = 0.12         # one edit: keyboard neighbour, deletion, doubled letter, transposition
P_SECOND_TYPO = 0.25       # ... and a second one
P_ACCENT_DROP = 0.35       # é -> e, ü -> u or ue, ß -> ss (when the name has accents)
P_CASE_CHANGE = 0.05       # PEETERS JAN, peeters jan, Van Den Bossche
P_EXTRA_SPACE = 0.05       # double space, trailing space, "Peeters - Janssens"
P_SPELLING = 0.03          # a spelling of the same sound: ck/k, ae/aa, ij/y, ph/f, ' / ’
P_HYPHEN = 0.06            # Jean-Pierre / Jean Pierre, Saint-Gilles / Saint Gilles
P_MOJIBAKE = 0.006         # UTF-8 read as Windows-1252: MÃ¼ller, LiÃ¨ge
P_ANNOTATION = 0.015       # "(huurder)", "(propriétaire)", "t.a.v. boekhouding" in the name field
# Noise of a copy: addresses.
P_STREET_TYPO = 0.07
P_STREET_ABBREV = 0.20     # straat/str., steenweg/stwg, Avenue/Av., Chaussée/Ch., Straße/Str.
P_STREET_OTHER_LANGUAGE = 0.30  # Brussels streets: Rue de la Loi / Wetstraat
P_POSTAL_TYPO = 0.025      # one digit of the postal code wrong
P_NUMBER_MISSING = 0.04
P_BOX_STYLE = 0.50         # 12 bus 3, 12/3, 12 bte 3, 12A, 12 a (when there is a box or suffix)
P_CITY_MISSING = 0.04
P_CITY_OTHER_NAME = 0.30   # Brussel/Bruxelles, Antwerpen/Anvers, Köln/Keulen, Berchem/Antwerpen
P_CITY_TYPO = 0.02
P_NUMBER_IN_STREET = 0.08  # "Kerkstraat 12" (or "12, rue de la Gare") in the street field, number empty
P_FIELDS_SWAPPED = 0.015   # street in the city field, "9000 Gent" in the city field, all in one line
P_COUNTRY_MISSING = 0.03
P_COUNTRY_DEFAULTED = 0.01  # a foreign customer saved with the form's default country BE
P_MOVED = 0.05             # the customer moved: another address, same phone or e-mail
# Noise of a copy: contact details and numbers.
P_PHONE_MISSING = 0.25
P_PHONE_OTHER = 0.15       # the other number (mobile instead of landline)
P_PHONE_REFORMAT = 0.20    # same source, other writing of the number
P_PHONE_TYPO = 0.01
P_EMAIL_MISSING = 0.30
P_EMAIL_OTHER = 0.12       # another address (work, old provider skynet -> proximus, wanadoo -> orange)
P_EMAIL_TYPO = 0.01
P_VAT_MISSING = 0.30
P_VAT_REFORMAT = 0.30      # BE0403170701 / BE 0403.170.701 / 0403.170.701
P_CUSTNO_NEW = 0.15        # re-entered in the same ERP: a new customer number
P_CUSTNO_REUSED = 0.003    # any record: a number of another, unrelated customer (recycled numbers)
CUSTNO_SOURCES = (("A", 37), ("B", 15), ("", 48))  # ERP A (digits), ERP B (K + digits), none

# Hard negatives: share of persons / businesses that get look-alike, distinct entities.
HN_FAMILY = 0.05           # family member at the same address (same surname, often the same landline)
HN_BUILDING = 0.03         # neighbours in one building (same street and number, other box)
HN_SAME_STREET = 0.025     # same surname in the same street of the same town, other number
HN_NAMESAKE = 0.025        # same first name and surname in another town
HN_PARK = 0.05             # several businesses at one business-park address or building
HN_CHAIN = 0.03            # branches of one chain: same name, other town and phone, often same VAT
HN_FRANCHISE = 0.015       # franchisees of one brand: same brand, other company and VAT
HN_OWNER = 0.03            # the owner as a private customer at the shop's address

# ---------------------------------------------------------------------------------------------
# Word lists ("_" stands for a space; "Name:nick,nick" gives nicknames or other spellings).


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.replace("_", " ") for w in text.split())


def _names(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    out = []
    for token in text.split():
        name, _, nicks = token.partition(":")
        out.append((name.replace("_", " "), tuple(nicks.split(",")) if nicks else ()))
    return tuple(out)


SURNAMES = {
    "nl_be": _words(
        "Peeters Janssens Maes Jacobs Mertens Willems Claes Goossens Wouters De_Smet Vermeulen Van_den_Bossche "
        "Van_de_Velde Hermans Lambrechts Verstraete Aerts De_Clercq Claeys Stevens Pauwels Van_Damme Michiels "
        "Smets Martens Hendrickx Coppens Segers De_Backer Vandenberghe Verhaegen Cools Van_Acker Van_Hoof "
        "Verbruggen Dierckx Leemans Bogaert Desmet Van_Dyck Geerts Van_Looy Sels Verschueren Wuyts Celis Baeten "
        "Vervoort De_Wolf Van_Hecke Lenaerts Vanhoutte Verhelst Devos De_Vos Bauwens Moens Daems Luyten Thys "
        "Van_Gucht Verbeke Maenhout Vercammen Slegers Van_Rompaey D'Hondt D'Haese Wyns Engelen Dockx Schoofs Nys "
        "Van_der_Linden Vanderstraeten De_Meyer Verlinden Huybrechts Goethals"
    ),
    "fr_be": _words(
        "Dubois Lambert Dupont Martin Simon Laurent Leclercq Dumont Lejeune Renard Mathieu François Leroy "
        "Lemaire Hubert Denis Gilles Collard Henrard Gérard Lefèvre Delvaux Fontaine Masson Dethier Pirard "
        "Lecomte Piron Gillet Charlier Noël Thiry Delhaye Marchal Jacquet Jacquemin Lhoest Goffin Hardy Wauters "
        "Maréchal Bodart Collignon Dessy Hanquet Lejoly Mahieu Demoulin Servais Poncelet Wilmet Di_Marco Russo "
        "Esposito Lombardi Romano Nowak Kowalski Dubuisson Lacroix Closset Hennuy Baudoux"
    ),
    "nl": _words(
        "de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Janssen Visser Smit Meijer de_Boer Mulder de_Groot "
        "Bos Vos Peters Hendriks van_Leeuwen Dekker Brouwer de_Wit Dijkstra Smits de_Graaf van_der_Meer "
        "van_der_Linden Kok Jacobs de_Haan Vermeulen van_den_Heuvel van_der_Veen van_den_Broek de_Bruijn van_Beek "
        "Verhoeven Willems Kuipers Hoekstra Postma Prins van_Wijk Schouten Maas Verbeek Huisman Kramer"
    ),
    "lu": _words(
        "Schmit Muller Weber Wagner Hoffmann Thill Schmitz Reuter Kremer Klein Welter Schroeder Majerus Steffen "
        "Weis Ries Becker Kieffer Goedert Hansen Meyer Braun Wirtz Theis Felten Lentz Hilger Frisch Kayser Back "
        "Flammang Feller Wampach"
    ),
    "pt": _words(
        "da_Silva Pereira Ferreira Rodrigues dos_Santos Gonçalves Fernandes Martins Lopes Alves Oliveira Costa "
        "Sousa Marques Almeida Carvalho Ribeiro Teixeira"
    ),
    "fr": _words(
        "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Lefebvre Leroy Roux David Bertrand Morel "
        "Fournier Girard Lefèvre Dupont Lambert Fontaine Rousseau Vincent Muller Caron Lemaire Dumont Deschamps "
        "Delattre Vandenbroucke Duhamel Descamps Leclerc Lemoine Dufour Mercier Blanc Guérin Boucher Dubus "
        "Delannoy Deroo Lefranc"
    ),
    "de": _words(
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter "
        "Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner "
        "Krause Meier Lehmann Schmitz Jansen Hermanns Heinen Küpper Offermann Jöris Cremer Kämmerer Wirtz Thelen "
        "Lennartz Hamacher Görgen"
    ),
    "mig": _words(
        "El_Amrani Benali Bouzid El_Idrissi Yilmaz Kaya Demir Öztürk Aydin Çelik Ahmadi Haddad Bakkali Azzouzi "
        "El_Khattabi Mansouri"
    ),
}

FIRST_NAMES = {
    ("nl_be", "m"): _names(
        "Johannes:Jan,Hans Jan Wilhelmus:Wim,Willy Jozef:Jef,Jos Franciscus:Frans,Swa Petrus:Piet,Peter "
        "Hendrik:Rik,Henk Lodewijk:Lode,Louis Dirk Luc Marc Koen Bart Tom Wouter Geert Kris Stefaan:Stef "
        "Gerardus:Gerard Jacobus:Jaak Cornelis:Kees,Nelis Theodorus:Theo Antonius:Toon,Tony Alexander:Alex,Sander "
        "Ludo Patrick Filip Erik Jens Thomas Pieter-Jan:PJ,Pieterjan Hugo Guido Rudi Eddy Danny Frank Raf Stijn "
        "Pieter:Piet Michiel Joris Jeroen Ward Seppe Lucas Arne Robert:Rob,Bob Ronald:Ronny Daniël:Daniel"
    ),
    ("nl_be", "f"): _names(
        "Maria:Mia,Marie,Ria Johanna:Jo,Hanne Elisabeth:Els,Liesbeth,Lies Catharina:Katrien,Trien,Karin "
        "Margaretha:Greet,Griet Anna:An,Anneke Annelies:Lies Hilde Sofie:Sophie Katrien Lieve Veerle Sarah Leen "
        "Nele Christiane:Christa,Chris Godelieve:Lieve Ingrid Kathleen:Kathy Nathalie Carine Martine Rita Linda "
        "Ann Inge Evelien:Eva Charlotte:Lotte Femke Lien Jolien Marleen Mieke Elke Wendy Gerda Josephina:Josée,Fien"
    ),
    ("fr_be", "m"): _names(
        "Jean Jean-Pierre:JP,J-P Jean-Marc Jean-Claude:JC Jean-François:JF Jean-Luc Michel Philippe:Phil Pierre "
        "Jacques André Marc Alain Christian Luc Benoît Olivier Nicolas:Nico Thierry Didier Pascal Serge Guy "
        "Frédéric:Fred Christophe:Chris Alexandre:Alex François Vincent Laurent Stéphane Patrick Daniel:Dany "
        "Bernard Joseph:José,Jo Maxime:Max Julien Sébastien:Seb Raphaël Dominique Emmanuel:Manu Xavier Yves Bruno "
        "Fabrice Gérard Roger Claude Louis"
    ),
    ("fr_be", "f"): _names(
        "Marie Anne Françoise Isabelle:Isa Nathalie Martine Monique Christine Catherine:Cathy Véronique:Véro "
        "Sylvie Chantal Anne-Marie Marie-Claire Marie-Christine Brigitte Dominique Valérie Céline Aurélie Sophie "
        "Caroline:Caro Stéphanie:Steph Sandrine Nicole Josiane Jacqueline:Jacky Danielle Geneviève Florence "
        "Émilie:Emilie Julie Camille Mélanie Béatrice:Béa Pascale Murielle Laurence Claudine Micheline"
    ),
    ("nl", "m"): _names(
        "Johannes:Jan,Hans,Johan Jan Cornelis:Kees,Cor Hendrikus:Henk,Rik Willem:Wim Gerrit:Gert Pieter:Piet "
        "Jeroen Sebastiaan:Bas Sander Matthijs:Thijs Daan Rudolf:Ruud Joost Marco Maarten Dennis Mark Erik "
        "Robert:Rob Michel Richard Wouter Jacobus:Koos,Jaap Theodorus:Theo Gerardus:Gerard,Gert Adrianus:Ad,Arie "
        "Petrus:Piet,Peter Johan Arjen Niels Ruben Tim Kevin Thomas Stefan Frank Paul Ronald:Ron Martijn "
        "Abraham:Bram"
    ),
    ("nl", "f"): _names(
        "Johanna:Hanneke,Joke,Anneke Maria:Marieke,Mariëlle Anna:Anneke,Annie Wilhelmina:Willemien,Mien,Wil "
        "Cornelia:Corrie,Nel Hendrika:Riek,Henny Ingrid Sanne Femke Esther Linda Petra Wilma Tineke Annemarie "
        "Marloes Charlotte:Lotte Ineke Monique Sandra Mirjam Karin Marjolein Saskia Ilse Anouk Eva Lisa Iris "
        "Astrid Nicole Margaretha:Margriet,Greet Elisabeth:Liesbeth,Els"
    ),
    ("de", "m"): _names(
        "Hans Peter Klaus Wolfgang Jürgen Dieter Michael:Micha Thomas Andreas Stefan Frank Jörg Uwe Günter "
        "Karl-Heinz:Kalle Hans-Peter Heinrich:Heinz Johann:Hans Wilhelm:Willi Friedrich:Fritz Josef:Sepp,Jupp "
        "Matthias Christian Markus Ralf Bernd Horst Manfred Werner Helmut Rainer Dirk Sven Tobias Florian Jan "
        "Lukas Alexander:Alex Hermann Heribert Gerhard:Gerd Norbert Reinhard Hubert"
    ),
    ("de", "f"): _names(
        "Ursula:Uschi Monika Petra Sabine Gabriele:Gabi Renate Karin Brigitte Elisabeth:Lisa,Liesel Andrea "
        "Claudia Susanne:Susi Birgit Margarete:Grete Katharina:Kathi,Käthe Anna Maria Heike Silke Anja Martina "
        "Christine Ingrid Gisela Helga Barbara Stefanie:Steffi Julia Laura Sandra Nicole Marion Doris "
        "Hildegard:Hilde Waltraud Annegret"
    ),
    ("lu", "m"): _names(
        "Jean Marc Paul:Pol Luc Fernand Roger Jos Romain Claude Nicolas:Nico Gilles Carlo Tom Laurent Mike Steve "
        "Patrick Joseph:Jos,Jupp Georges Raymond Guy Théo Henri Camille Marcel Pierre Ben Yves Norbert Jeannot"
    ),
    ("lu", "f"): _names(
        "Marie Josée Anne Nathalie Carole Sandra Tania Martine Michèle Monique Liliane Danielle Nicole "
        "Christiane Joëlle Simone Marianne Françoise Myriam Sonia Viviane Jacqueline Sylvie Isabelle Paula"
    ),
    ("pt", "m"): _names(
        "João José:Zé Carlos António:Antonio Manuel Paulo Rui Luís:Luis Fernando Nuno Jorge Pedro Miguel Francisco"
    ),
    ("pt", "f"): _names("Maria Ana Fátima:Fatima Isabel Sandra Paula Cristina Sofia Rosa Teresa Catarina Joana"),
    ("mig", "m"): _names(
        "Mohamed:Mohammed,Mohamad Ahmed:Ahmad Youssef:Yousef,Youssouf Mustafa:Mustapha Ali Karim Omar Hassan "
        "Rachid Mehmet Hakan Emre Murat Ibrahim"
    ),
    ("mig", "f"): _names(
        "Fatima:Fatma Khadija:Khadidja Aicha:Aïcha,Aisha Nadia Samira Leila:Layla Ayşe:Ayse Elif Zeynep Malika "
        "Yasmina:Yasmine Naima"
    ),
}
FIRST_NAMES[("fr", "m")] = FIRST_NAMES[("fr_be", "m")]
FIRST_NAMES[("fr", "f")] = FIRST_NAMES[("fr_be", "f")]

STREETS = {
    "BE-nl": _words(
        "Kerkstraat Stationsstraat Dorpsstraat Molenstraat Nieuwstraat Schoolstraat Kapelstraat Beekstraat "
        "Veldstraat Hoogstraat Kasteelstraat Lindenlaan Koning_Albertlaan Leopoldlaan Brusselsesteenweg "
        "Gentsesteenweg Antwerpsesteenweg Mechelsesteenweg Grote_Markt Marktplein Nijverheidsstraat Heirweg "
        "Bosstraat Kortrijksesteenweg Sint-Jansstraat Vrijheidsstraat Lange_Leemstraat Turnhoutsebaan "
        "Diestsesteenweg Tiensesteenweg Ringlaan Zandstraat Bredabaan Meensesteenweg Oude_Baan Bergstraat "
        "Koning_Boudewijnlaan Burgemeester_Van_Gansberghelaan Sint-Niklaasstraat Kloosterstraat Kouter "
        "Lange_Nieuwstraat Kortestraat Processiestraat Wijngaardstraat Spoorwegstraat Groenstraat Broekstraat "
        "Eikenlaan Berkenlaan Populierenlaan Kempenstraat Pastoor_Coplaan Onze-Lieve-Vrouwestraat"
    ),
    "BE-fr": _words(
        "Rue_de_la_Gare Rue_de_l'Église Rue_du_Moulin Rue_Haute Grand-Rue Rue_de_la_Station Place_Communale "
        "Avenue_des_Combattants Chaussée_de_Bruxelles Chaussée_de_Louvain Chaussée_de_Mons Rue_Royale "
        "Rue_des_Écoles Rue_du_Marché Rue_de_Namur Rue_Saint-Pierre Avenue_de_la_Libération Rue_du_Centre "
        "Rue_de_la_Croix Rue_des_Champs Chaussée_de_Waterloo Boulevard_d'Avroy Rue_Neuve Avenue_Albert_Ier "
        "Rue_du_Château Rue_de_Liège Chaussée_de_Charleroi Rue_Albert_Ier Rue_des_Prés Rue_du_Village "
        "Rue_Saint-Martin Place_Saint-Lambert Rue_de_Fragnée Avenue_Reine_Astrid Rue_de_la_Chapelle Rue_du_Parc "
        "Rue_des_Alliés Rue_Joseph_Wauters Rue_Émile_Vandervelde Rue_Léopold Rue_des_Tilleuls Allée_des_Érables"
    ),
    "BE-bru": _words(
        "Rue_de_la_Loi/Wetstraat Avenue_Louise/Louizalaan Chaussée_de_Louvain/Leuvensesteenweg Rue_Haute/Hoogstraat "
        "Chaussée_de_Waterloo/Waterloosesteenweg Boulevard_Anspach/Anspachlaan Rue_Neuve/Nieuwstraat "
        "Avenue_de_Tervueren/Tervurenlaan Chaussée_d'Ixelles/Elsensesteenweg Rue_du_Midi/Zuidstraat "
        "Rue_Royale/Koningsstraat Chaussée_de_Gand/Gentsesteenweg Rue_de_la_Station/Stationsstraat "
        "Place_Communale/Gemeenteplein Avenue_de_la_Couronne/Kroonlaan Chaussée_d'Alsemberg/Alsembergsesteenweg "
        "Rue_de_l'Église/Kerkstraat Chaussée_de_Ninove/Ninoofsesteenweg Rue_Gray/Graystraat "
        "Avenue_Brugmann/Brugmannlaan Chaussée_de_Haecht/Haachtsesteenweg Avenue_de_la_Chasse/Jachtlaan "
        "Boulevard_Général_Jacques/Generaal_Jacqueslaan Rue_Vanderkindere/Vanderkinderestraat"
    ),
    "NL": _words(
        "Kerkstraat Dorpsstraat Stationsweg Molenweg Schoolstraat Hoofdstraat Julianastraat Wilhelminastraat "
        "Beatrixlaan Prins_Bernhardlaan Oranjestraat Markt Molenstraat Parallelweg Kanaalweg "
        "Burgemeester_de_Withstraat Dorpsweg Kastanjelaan Eikenlaan Beukenlaan Van_Goghstraat Rembrandtlaan "
        "Heuvelweg Nieuwstraat Stationsstraat Marktstraat Emmastraat Julianalaan Prinses_Irenestraat Sportlaan "
        "Lindenlaan Zandweg Kloosterstraat Noordsingel Zuidwal Langestraat Brink Raadhuisstraat Havenstraat "
        "Dijkstraat Hogeweg"
    ),
    "LU": _words(
        "Rue_de_Luxembourg Route_d'Arlon Rue_Principale Grand-Rue Avenue_de_la_Gare Rue_de_l'Église "
        "Route_de_Longwy Boulevard_Royal Rue_de_la_Libération Rue_Dicks Rue_de_Strasbourg Rue_des_Prés "
        "Avenue_de_la_Liberté Route_de_Thionville Rue_de_Hollerich Rue_du_Fossé Rue_Nicolas_Welter Rue_de_Mamer "
        "Rue_du_Village Rue_Michel_Rodange Rue_de_la_Gare Rue_du_Cimetière Rue_des_Romains Rue_Zénon_Bernard "
        "Boulevard_Grande-Duchesse_Charlotte Rue_des_Jardins Rue_de_Bettembourg Rue_de_Kayl"
    ),
    "FR": _words(
        "Rue_de_la_République Rue_Nationale Rue_Jean_Jaurès Avenue_du_Général_de_Gaulle Rue_Victor_Hugo "
        "Place_du_Général_Leclerc Rue_Pasteur Boulevard_Gambetta Rue_de_Paris Rue_de_Lille Rue_du_Maréchal_Foch "
        "Rue_de_la_Gare Rue_de_l'Église Chemin_des_Prés Allée_des_Tilleuls Impasse_des_Lilas Rue_des_Écoles "
        "Rue_Faidherbe Rue_Roger_Salengro Rue_Gustave_Delory Rue_du_Général_Leclerc Place_de_la_Mairie "
        "Rue_Carnot Avenue_de_la_Marne Rue_d'Arras Rue_du_Moulin Route_de_Lille Rue_Sadi_Carnot "
        "Rue_Anatole_France Rue_Émile_Zola Rue_Jules_Ferry Rue_Pierre_Curie"
    ),
    "DE": _words(
        "Hauptstraße Bahnhofstraße Kirchstraße Schulstraße Gartenstraße Dorfstraße Lindenstraße Bergstraße "
        "Ringstraße Mühlenweg Am_Markt Goethestraße Schillerstraße Friedrichstraße Aachener_Straße Kölner_Straße "
        "Marktplatz Feldweg Rosenweg Birkenweg Wilhelmstraße Jülicher_Straße Talstraße Waldstraße "
        "Poststraße Kaiserstraße Luisenstraße Neustraße Am_Bahnhof Sandweg Mühlenstraße Blumenstraße "
        "Dürener_Straße Trierer_Straße Venloer_Straße Mozartstraße Beethovenstraße Im_Winkel Kirchplatz Zur_Mühle"
    ),
}
PARK_STREETS = {
    "BE-nl": _words("Industrieweg Industriepark Ambachtenlaan Nijverheidslaan Researchpark Zoning_Noord "
                    "Bedrijvenpark_Coupure Ambachtsweg Interleuvenlaan Kontichsesteenweg"),
    "BE-fr": _words("Zoning_Industriel Parc_Industriel Rue_de_l'Industrie Parc_Scientifique Rue_des_Artisans "
                    "Avenue_Jean_Mermoz Rue_du_Parc_Industriel"),
    "BE-bru": _words("Avenue_Louise/Louizalaan Rue_de_la_Loi/Wetstraat Boulevard_du_Souverain/Vorstlaan "
                     "Chaussée_de_la_Hulpe/Terhulpsesteenweg"),
    "NL": _words("Industrieweg Ambachtsweg Edisonstraat Marconistraat Bedrijvenpark Nijverheidsweg Newtonweg"),
    "LU": _words("Zone_Industrielle Rue_de_l'Industrie Zone_d'Activités_Bombicht Parc_d'Activités_Capellen"),
    "FR": _words("Zone_Industrielle Parc_d'Activités_du_Moulin Rue_de_l'Industrie Zone_Artisanale "
                 "Avenue_de_la_Créativité"),
    "DE": _words("Industriestraße Gewerbegebiet_Nord Im_Gewerbepark Carl-Benz-Straße Robert-Bosch-Straße "
                 "Daimlerstraße"),
}


@dataclass(slots=True, frozen=True)
class City:
    codes: tuple[str, ...]   # postal codes (NL: the four digits)
    name: str
    alts: tuple[str, ...]    # other-language names, or the main municipality of a district
    region: str              # nl, fr, bru (bilingual Brussels) or de
    area: str                # telephone area code without the trunk 0
    weight: int


def _cities(rows: str, country: str) -> tuple[City, ...]:
    out = []
    for line in rows.strip().splitlines():
        codes, name, alts, region, area, weight = (part.strip() for part in line.split(";"))
        expanded: list[str] = []
        width = 4 if country in ("BE", "LU", "NL") else 5
        for code in codes.split():
            lo, _, hi = code.partition("-")
            expanded.extend(f"{c:0{width}d}" for c in range(int(lo), int(hi or lo) + 1))
        out.append(City(tuple(expanded), name, tuple(a for a in alts.split("|") if a), region, area, int(weight)))
    return tuple(out)


CITIES = {
    "BE": _cities("""
1000;Bruxelles;Brussel;bru;2;10
1020;Laeken;Laken|Bruxelles;bru;2;1
1030;Schaerbeek;Schaarbeek;bru;2;3
1040;Etterbeek;;bru;2;2
1050;Ixelles;Elsene;bru;2;3
1060;Saint-Gilles;Sint-Gillis;bru;2;2
1070;Anderlecht;;bru;2;3
1080;Molenbeek-Saint-Jean;Sint-Jans-Molenbeek;bru;2;2
1090;Jette;;bru;2;1
1140;Evere;;bru;2;1
1150;Woluwe-Saint-Pierre;Sint-Pieters-Woluwe;bru;2;1
1180;Uccle;Ukkel;bru;2;2
1190;Forest;Vorst;bru;2;1
1200;Woluwe-Saint-Lambert;Sint-Lambrechts-Woluwe;bru;2;2
1300;Wavre;Waver;fr;10;2
1340;Ottignies;Ottignies-Louvain-la-Neuve;fr;10;1
1348;Louvain-la-Neuve;Ottignies-Louvain-la-Neuve;fr;10;1
1400;Nivelles;Nijvel;fr;67;1
1410;Waterloo;;fr;2;1
1420;Braine-l'Alleud;Eigenbrakel;fr;2;1
1500;Halle;Hal;nl;2;1
1600;Sint-Pieters-Leeuw;;nl;2;1
1700;Dilbeek;;nl;2;1
1800;Vilvoorde;Vilvorde;nl;2;2
1930;Zaventem;;nl;2;1
2000;Antwerpen;Anvers;nl;3;5
2018;Antwerpen;Anvers;nl;3;4
2060;Antwerpen;Anvers;nl;3;2
2100;Deurne;Antwerpen;nl;3;2
2140;Borgerhout;Antwerpen;nl;3;1
2170;Merksem;Antwerpen;nl;3;1
2200;Herentals;;nl;14;1
2300;Turnhout;;nl;14;2
2400;Mol;;nl;14;1
2440;Geel;;nl;14;1
2500;Lier;Lierre;nl;3;1
2600;Berchem;Antwerpen;nl;3;2
2610;Wilrijk;Antwerpen;nl;3;1
2640;Mortsel;;nl;3;1
2800;Mechelen;Malines;nl;15;3
2830;Willebroek;;nl;3;1
2870;Puurs;Puurs-Sint-Amands;nl;3;1
2900;Schoten;;nl;3;1
2930;Brasschaat;;nl;3;1
3000;Leuven;Louvain;nl;16;3
3010;Kessel-Lo;Leuven;nl;16;1
3200;Aarschot;;nl;16;1
3290;Diest;;nl;13;1
3300;Tienen;Tirlemont;nl;16;1
3500;Hasselt;;nl;11;3
3580;Beringen;;nl;11;1
3600;Genk;;nl;89;2
3630;Maasmechelen;;nl;89;1
3700;Tongeren;Tongres;nl;12;1
3800;Sint-Truiden;Saint-Trond;nl;11;1
3920;Lommel;;nl;11;1
4000;Liège;Luik|Lüttich;fr;4;4
4020;Liège;Luik;fr;4;2
4040;Herstal;;fr;4;1
4100;Seraing;;fr;4;1
4300;Waremme;Borgworm;fr;19;1
4500;Huy;Hoei;fr;85;1
4700;Eupen;Néau;de;87;1
4800;Verviers;;fr;87;2
4900;Spa;;fr;87;1
5000;Namur;Namen;fr;81;3
5030;Gembloux;;fr;81;1
5100;Jambes;Namur;fr;81;1
5500;Dinant;;fr;82;1
6000;Charleroi;;fr;71;4
6200;Châtelet;;fr;71;1
6700;Arlon;Aarlen;fr;63;1
6900;Marche-en-Famenne;;fr;84;1
7000;Mons;Bergen;fr;65;2
7100;La Louvière;;fr;64;1
7500;Tournai;Doornik;fr;69;2
7700;Mouscron;Moeskroen;fr;56;1
8000;Brugge;Bruges;nl;50;3
8200;Sint-Andries;Brugge;nl;50;1
8300;Knokke-Heist;Knokke;nl;50;1
8400;Oostende;Ostende;nl;59;2
8500;Kortrijk;Courtrai;nl;56;3
8620;Nieuwpoort;;nl;58;1
8800;Roeselare;Roulers;nl;51;2
8900;Ieper;Ypres;nl;57;1
9000;Gent;Gand;nl;9;5
9050;Gentbrugge;Gent;nl;9;1
9100;Sint-Niklaas;Saint-Nicolas;nl;3;2
9120;Beveren;Beveren-Waas;nl;3;1
9160;Lokeren;;nl;9;1
9200;Dendermonde;Termonde;nl;52;1
9300;Aalst;Alost;nl;53;2
9400;Ninove;;nl;54;1
9600;Ronse;Renaix;nl;55;1
9700;Oudenaarde;Audenarde;nl;55;1
9800;Deinze;;nl;9;1
9900;Eeklo;;nl;9;1
""", "BE"),
    "NL": _cities("""
1011-1109;Amsterdam;;nl;20;6
3011-3089;Rotterdam;;nl;10;5
2491-2599;Den Haag;'s-Gravenhage;nl;70;4
3511-3585;Utrecht;;nl;30;3
5611-5658;Eindhoven;;nl;40;3
9711-9747;Groningen;;nl;50;2
5011-5049;Tilburg;;nl;13;2
4811-4839;Breda;;nl;76;3
6511-6546;Nijmegen;;nl;24;2
6211-6229;Maastricht;;nl;43;3
6811-6846;Arnhem;;nl;26;2
2011-2037;Haarlem;;nl;23;2
8011-8043;Zwolle;;nl;38;1
5211-5236;'s-Hertogenbosch;Den Bosch;nl;73;2
2311-2334;Leiden;;nl;71;1
4331-4339;Middelburg;;nl;118;1
4381-4389;Vlissingen;;nl;118;1
4531-4539;Terneuzen;;nl;115;1
5911-5928;Venlo;;nl;77;1
6411-6422;Heerlen;;nl;45;1
6041-6046;Roermond;;nl;475;1
3811-3829;Amersfoort;;nl;33;1
7311-7339;Apeldoorn;;nl;55;1
7511-7548;Enschede;;nl;53;1
2611-2629;Delft;;nl;15;1
4461-4465;Goes;;nl;113;1
4611-4625;Bergen op Zoom;;nl;164;1
4701-4709;Roosendaal;;nl;165;1
4561-4564;Hulst;;nl;114;1
6131-6137;Sittard;Sittard-Geleen;nl;46;1
""", "NL"),
    "LU": _cities("""
1009-2999;Luxembourg;Luxemburg|Lëtzebuerg|Luxembourg-Ville;fr;4;8
4001-4398;Esch-sur-Alzette;Esch/Alzette|Esch-Uelzecht;fr;5;3
4501-4698;Differdange;Differdingen;fr;58;1
3401-3499;Dudelange;Düdelingen;fr;51;1
9001-9099;Ettelbruck;Ettelbréck;fr;81;1
9201-9299;Diekirch;;fr;80;1
9501-9599;Wiltz;;fr;95;1
6401-6499;Echternach;Iechternach;fr;72;1
7501-7599;Mersch;;fr;32;1
6701-6799;Grevenmacher;Gréiwemaacher;fr;75;1
5501-5599;Remich;Réimech;fr;23;1
8001-8099;Strassen;Stroossen;fr;31;1
8201-8299;Mamer;;fr;31;1
5801-5899;Hesperange;Hesper;fr;36;1
3201-3299;Bettembourg;Bettemburg;fr;51;1
4701-4799;Pétange;Petingen;fr;50;1
8401-8499;Steinfort;;fr;39;1
9701-9799;Clervaux;Clerf;fr;92;1
""", "LU"),
    "FR": _cities("""
59000 59800;Lille;Rijsel;fr;3;5
59100;Roubaix;;fr;3;2
59200;Tourcoing;Toerkonje;fr;3;2
59140 59240;Dunkerque;Duinkerke;fr;3;2
59300;Valenciennes;;fr;3;1
59600;Maubeuge;;fr;3;1
59280;Armentières;;fr;3;1
62300;Lens;;fr;3;1
62000;Arras;Atrecht;fr;3;1
62100;Calais;;fr;3;1
62200;Boulogne-sur-Mer;;fr;3;1
57000 57050;Metz;;fr;3;2
54000;Nancy;;fr;3;1
51100;Reims;;fr;3;1
08000;Charleville-Mézières;;fr;3;1
08200;Sedan;;fr;3;1
67000 67100 67200;Strasbourg;Straßburg|Straatsburg;fr;3;1
75001-75020;Paris;Parijs;fr;1;3
57100;Thionville;Diedenhofen;fr;3;1
59190;Hazebrouck;;fr;3;1
59270;Bailleul;Belle;fr;3;1
59400;Cambrai;Kamerijk;fr;3;1
59500;Douai;;fr;3;1
80000 80080 80090;Amiens;;fr;3;1
54400;Longwy;;fr;3;1
08600;Givet;;fr;3;1
02100;Saint-Quentin;;fr;3;1
59130;Lambersart;;fr;3;1
59650;Villeneuve-d'Ascq;;fr;3;1
""", "FR"),
    "DE": _cities("""
52062-52080;Aachen;Aken|Aix-la-Chapelle;de;241;4
50667-51149;Köln;Keulen|Cologne;de;221;4
40210-40629;Düsseldorf;;de;211;2
53111-53229;Bonn;;de;228;1
54290-54296;Trier;Trèves;de;651;1
66111-66133;Saarbrücken;;de;681;1
41061-41239;Mönchengladbach;;de;2161;1
47798-47839;Krefeld;;de;2151;1
47533;Kleve;Kleef;de;2821;1
48143-48167;Münster;;de;251;1
10115-14199;Berlin;;de;30;2
20095-22769;Hamburg;;de;40;1
80331-81929;München;Munich;de;89;1
60311-60599;Frankfurt am Main;Frankfurt|Francfort;de;69;1
44135-44388;Dortmund;;de;231;1
45127-45359;Essen;;de;201;1
47051-47279;Duisburg;;de;203;1
46446;Emmerich am Rhein;Emmerich;de;2822;1
46395-46399;Bocholt;;de;2871;1
48599;Gronau;Gronau (Westf.);de;2562;1
52156;Monschau;Montjoie;de;2472;1
52349-52355;Düren;;de;2421;1
54634;Bitburg;;de;6561;1
04103-04357;Leipzig;;de;341;1
01067-01328;Dresden;;de;351;1
""", "DE"),
}

TRADES = {
    "BE-nl": _words(
        "Bakkerij Slagerij Beenhouwerij Apotheek Garage Immo Brasserie Frituur Café Bloemen Kapsalon Drukkerij "
        "Schrijnwerkerij Bouwbedrijf Dakwerken Elektro Loodgieterij Sanitair Tuinaanleg Transport Autocentrum "
        "Boekhandel Optiek Verzekeringen Boekhoudkantoor Schilderwerken Houthandel Wasserette Restaurant "
        "Tandartspraktijk Dierenartsenpraktijk Hotel Bouwwerken Installatiebedrijf Carrosserie Fietsen Meubelen "
        "Interieur Keukens Schoenmakerij"
    ),
    "NL": _words(
        "Bakkerij Slagerij Apotheek Garage Makelaardij Café Cafetaria Bloemenhuis Kapsalon Drukkerij "
        "Timmerbedrijf Bouwbedrijf Dakdekkersbedrijf Installatiebedrijf Loodgietersbedrijf Hoveniersbedrijf "
        "Transportbedrijf Autobedrijf Boekhandel Opticien Administratiekantoor Schildersbedrijf Restaurant "
        "Tandartsenpraktijk Dierenkliniek Hotel Fietsenwinkel Meubelmakerij Loonbedrijf"
    ),
    "fr": _words(
        "Boulangerie Boucherie Pharmacie Garage Immo Brasserie Friterie Café Fleurs Salon_de_coiffure "
        "Imprimerie Menuiserie Construction Toitures Électricité Chauffage Sanitaire Jardins Transports "
        "Librairie Optique Assurances Fiduciaire Peinture Restaurant Hôtel Pâtisserie Boulangerie-Pâtisserie "
        "Traiteur Carrosserie Charcuterie Agence_immobilière Cabinet_dentaire Clinique_vétérinaire Quincaillerie "
        "Plomberie Cycles Meubles Cuisines"
    ),
    "de": _words(
        "Bäckerei Metzgerei Apotheke Autohaus Schreinerei Tischlerei Malerbetrieb Dachdeckerei Elektro Sanitär "
        "Heizungsbau Gartenbau Spedition Buchhandlung Optik Versicherungen Steuerberatung Gaststätte Café "
        "Friseur Hotel Blumen Bauunternehmen Immobilien Zahnarztpraxis Tierarztpraxis Fahrräder Möbel Küchen "
        "Haustechnik Kfz-Werkstatt Konditorei"
    ),
}
TRADE_SUFFIX = {
    "nl": _words("Bouw Elektro Sanitair Transport Dakwerken Interieur Verwarming Keukens Consult Renovatie "
                 "Techniek Invest Projects Service"),
    "fr": _words("Chauffage Construction Électricité Toitures Rénovation Transports Consulting Services Invest "
                 "Habitat Sanitaire Menuiserie"),
    "de": _words("Bau Haustechnik Elektrotechnik Bedachungen Transporte Consulting Immobilien Gebäudetechnik "
                 "Metallbau Holzbau"),
}
BRANDS = {
    "nl": _words("De_Gouden_Leeuw 't_Hoekske De_Linde Het_Anker De_Zwaan Den_Engel De_Kroon 't_Pleintje "
                 "De_Smidse Het_Molenhuis De_Vlasbloem Thermo_Plus Eco_Clim Klimaatservice Warmte_Totaal "
                 "Noordster De_Korenaar Het_Zonnehuis"),
    "fr": _words("Le_Petit_Coin Chez_Marcel Au_Bon_Pain Le_Central du_Centre Moderne de_la_Gare Le_Lion_d'Or "
                 "La_Belle_Époque Le_Relais Aux_Délices Thermo_Confort Clim_Service Saint-Christophe "
                 "Le_Fournil"),
    "de": _words("Zum_Goldenen_Hirsch Zur_Post am_Markt Am_Dom Zum_Löwen Sonnenschein Thermo_Profi Wärme_Plus "
                 "Kornblume Zur_Linde"),
}
TECH_BRANDS = set(_words("Thermo_Plus Eco_Clim Klimaatservice Warmte_Totaal Thermo_Confort Clim_Service "
                         "Thermo_Profi Wärme_Plus"))
FRANCHISES = {
    "nl": _words("Bakkerij_Korenbloem Optiek_Helder Fietsplus Kapsalon_Knipwerk Immo_Huysman Carwash_Blinck "
                 "Snackbar_De_Frietpot Apotheek_Vitaal"),
    "fr": _words("Boulangerie_Le_Fournil Coiffure_Style Optique_Visio Pharmacie_Santé+ Pizza_Roma "
                 "Immo_Horizon Pressing_Éclat"),
    "de": _words("Bäckerei_Kornblume Friseur_Haarwerk Optik_Klarblick Pizzeria_Roma Reisebüro_Fernweh"),
}
FAMILY_WORDS = {"nl": ("zonen", "gebroeders"), "fr": ("fils", "freres", "ets"), "de": ("sohne", "gebruder")}
AMP_WORD = {"nl": "en", "fr": "et", "de": "und"}

LEGAL_FORMS = {
    "BE-nl": (("BV", 30), ("BVBA", 22), ("NV", 14), ("CommV", 4), ("VOF", 5), ("CV", 3), ("CVBA", 2),
              ("VZW", 2), ("", 18)),
    "BE-fr": (("SRL", 28), ("SPRL", 22), ("SA", 15), ("SComm", 3), ("SNC", 4), ("SC", 3), ("SCRL", 2),
              ("ASBL", 3), ("", 20)),
    "BE-de": (("GmbH", 25), ("PGmbH", 25), ("AG", 15), ("", 35)),
    "NL": (("BV", 45), ("VOF", 15), ("NV", 4), ("CV", 1), ("", 35)),
    "LU": (("SARL", 45), ("SA", 25), ("SCS", 4), ("SNC", 3), ("SARL-S", 5), ("ASBL", 2), ("", 16)),
    "FR": (("SARL", 35), ("SAS", 25), ("SASU", 10), ("EURL", 8), ("SA", 4), ("SNC", 3), ("", 15)),
    "DE": (("GmbH", 40), ("GmbH & Co. KG", 10), ("KG", 5), ("OHG", 3), ("e.K.", 8), ("AG", 2), ("UG", 5),
           ("GbR", 4), ("", 23)),
}
LEGAL_SPELLINGS = {
    "BV": ("BV", "B.V.", "bv", "Bv"), "BVBA": ("BVBA", "B.V.B.A.", "bvba", "Bvba"), "NV": ("NV", "N.V.", "nv"),
    "CommV": ("CommV", "Comm.V.", "Comm. V"), "VOF": ("VOF", "V.O.F.", "vof"), "CV": ("CV", "C.V.", "cv"),
    "CVBA": ("CVBA", "C.V.B.A.", "cvba"), "VZW": ("VZW", "vzw", "V.Z.W."), "SRL": ("SRL", "S.R.L.", "srl"),
    "SPRL": ("SPRL", "S.P.R.L.", "sprl", "Sprl"), "SA": ("SA", "S.A.", "sa"), "SComm": ("SComm", "S.Comm."),
    "SNC": ("SNC", "S.N.C."), "SC": ("SC", "S.C."), "SCRL": ("SCRL", "S.C.R.L.", "scrl"),
    "ASBL": ("ASBL", "asbl", "A.S.B.L."), "SARL": ("SARL", "S.à r.l.", "Sàrl", "S.A.R.L.", "sarl"),
    "SARL-S": ("SARL-S", "S.à r.l.-S", "Sàrl-S"), "SCS": ("SCS", "S.C.S."), "SAS": ("SAS", "S.A.S."),
    "SASU": ("SASU", "S.A.S.U."), "EURL": ("EURL", "E.U.R.L."), "GmbH": ("GmbH", "Gmbh", "GMBH", "G.m.b.H."),
    "PGmbH": ("PGmbH", "P.G.m.b.H."), "GmbH & Co. KG": ("GmbH & Co. KG", "GmbH & Co KG", "GmbH u. Co. KG"),
    "KG": ("KG",), "OHG": ("OHG", "oHG"), "e.K.": ("e.K.", "e. K.", "eK"), "AG": ("AG",),
    "UG": ("UG (haftungsbeschränkt)", "UG", "UG (haftungsbeschraenkt)"), "GbR": ("GbR",),
}
NL_SPELLINGS = {"BV": ("B.V.", "BV", "bv"), "VOF": ("V.O.F.", "VOF", "vof"), "NV": ("N.V.", "NV")}
REFORM = {"BVBA": "BV", "SPRL": "SRL", "CVBA": "CV", "SCRL": "SC", "PGmbH": "GmbH", "SARL-S": "SARL"}
REFORM_BACK = {"BV": "BVBA", "SRL": "SPRL", "CV": "CVBA", "SC": "SCRL"}
LEGAL_FRONT = {"BE": 0.25, "NL": 0.05, "LU": 0.10, "FR": 0.45, "DE": 0.0}

TITLES = {
    "nl": {"m": ("Dhr.", "De heer", "Mr.", "Dhr", "Meneer"), "f": ("Mevr.", "Mevrouw", "Mw.", "Mevr", "Mej.")},
    "fr": {"m": ("M.", "Monsieur", "Mr", "Mr.", "Mons."), "f": ("Mme", "Madame", "Mme.", "Mlle", "Mad.")},
    "de": {"m": ("Herr", "Hr.", "Herrn", "Hr"), "f": ("Frau", "Fr.", "Fr")},
}
COUPLES = {
    "nl": ("{s1}-{s2}", "{s1} - {s2}", "{f1} en {f2} {s1}", "{f1} {s1} en {f2} {s2}", "Fam. {s1}", "Familie {s1}",
           "Dhr. en Mevr. {s1}", "{s1} {f1} en {f2}", "{s1}-{s2} {f1} en {f2}", "{s1} {f1} & {s2} {f2}"),
    "fr": ("{s1}-{s2}", "M. et Mme {s1}", "M. et Mme {f1} {s1}", "Famille {s1}", "{f1} et {f2} {s1}",
           "Mr et Mme {s1}", "Monsieur et Madame {s1}", "{s1} {f1} et {f2}", "M. et Mme {s1}-{s2}",
           "{s1} {f1} & {s2} {f2}"),
    "de": ("{s1}-{s2}", "Herr und Frau {s1}", "Familie {s1}", "Fam. {s1}", "{f1} und {f2} {s1}", "Eheleute {s1}",
           "{s1}, {f1} u. {f2}", "{f1} u. {f2} {s1}", "{s1} {f1} & {f2}"),
}
MARRIED_WEIGHTS = {"BE": (65, 20, 12, 3), "NL": (35, 45, 18, 2), "FR": (15, 10, 60, 15),
                   "DE": (10, 15, 65, 10), "LU": (35, 25, 30, 10)}  # own, double, spouse's, née/geb.
ORDER_WEIGHTS = {"BE": (45, 35, 6, 9, 5), "NL": (15, 40, 10, 30, 5), "FR": (45, 40, 5, 8, 2),
                 "DE": (20, 55, 15, 10, 0), "LU": (45, 40, 5, 8, 2)}  # sf, fs, s-comma-f, I. S, S I.
ORDERS = ("sf", "fs", "sfc", "is", "si")
ANNOTATIONS = {
    "nl": (" (huurder)", " (eigenaar)", " (verhuurder)", " - syndicus", " (2de verblijf)"),
    "fr": (" (locataire)", " (propriétaire)", " - syndic", " (seconde résidence)"),
    "de": (" (Mieter)", " (Eigentümer)", " (Vermieter)", " - Hausverwaltung"),
}
BIZ_ANNOTATIONS = {"nl": (" t.a.v. boekhouding", " - facturatie"), "fr": (" - att. comptabilité", " - facturation"),
                   "de": (" z. Hd. Buchhaltung", " - Rechnungswesen")}
PARTICLES = {"van", "de", "den", "der", "von", "le", "la", "du", "da", "dos", "el", "ter", "ten", "vande"}

PROVIDERS = {
    "BE": (("telenet.be", 30), ("gmail.com", 25), ("skynet.be", 12), ("proximus.be", 6), ("hotmail.com", 10),
           ("hotmail.be", 5), ("outlook.be", 3), ("live.be", 3), ("scarlet.be", 2), ("yahoo.fr", 2), ("voo.be", 2)),
    "NL": (("gmail.com", 25), ("ziggo.nl", 18), ("kpnmail.nl", 12), ("hotmail.com", 12), ("planet.nl", 6),
           ("home.nl", 5), ("hetnet.nl", 5), ("xs4all.nl", 4), ("live.nl", 5), ("outlook.com", 4)),
    "LU": (("pt.lu", 25), ("gmail.com", 30), ("hotmail.com", 12), ("internet.lu", 8), ("yahoo.fr", 5),
           ("outlook.com", 5)),
    "FR": (("orange.fr", 22), ("gmail.com", 28), ("wanadoo.fr", 10), ("free.fr", 10), ("sfr.fr", 8),
           ("laposte.net", 6), ("hotmail.fr", 10), ("yahoo.fr", 6)),
    "DE": (("web.de", 22), ("gmx.de", 18), ("gmail.com", 22), ("t-online.de", 15), ("gmx.net", 6),
           ("freenet.de", 4), ("yahoo.de", 4), ("outlook.de", 4)),
}
PROVIDER_SUCCESSOR = {"skynet.be": "proximus.be", "hetnet.nl": "kpnmail.nl", "planet.nl": "kpnmail.nl",
                      "wanadoo.fr": "orange.fr", "hotmail.com": "outlook.com", "hotmail.be": "outlook.be"}
PROVIDER_DOMAINS = {d for pairs in PROVIDERS.values() for d, _ in pairs} | set(PROVIDER_SUCCESSOR.values())
TLD = {"BE": ".be", "NL": ".nl", "LU": ".lu", "FR": ".fr", "DE": ".de"}
COUNTRY_CODE = {"BE": "32", "NL": "31", "LU": "352", "FR": "33", "DE": "49"}

# Ways to write a phone number: a = area / operator prefix without 0, s = subscriber digits,
# p / d = s in pairs with spaces / dots, t = s as 3 + rest, q = s as 4 + rest, N = a + s, P = N in pairs,
# F / FD / FH = 0 + N in pairs with spaces / dots / hyphens (France).
PHONE_FORMATS = {
    ("BE", "m"): (("0{a} {p}", 30), ("0{a}/{d}", 15), ("0{a}/{p}", 10), ("0{a}{s}", 15), ("+32 {a} {p}", 12),
                  ("+32{a}{s}", 6), ("0032 {a} {p}", 4), ("0{a} {t}", 5), ("+32 (0){a} {p}", 3)),
    ("BE", "l"): (("0{a} {p}", 30), ("0{a}/{d}", 20), ("0{a}/{p}", 10), ("0{a}{s}", 12), ("+32 {a} {p}", 12),
                  ("+32{a}{s}", 6), ("0032 {a} {p}", 3), ("(0{a}) {p}", 4), ("0{a}.{d}", 3)),
    ("NL", "m"): (("0{a}-{s}", 30), ("0{a} {s}", 15), ("0{a}{s}", 20), ("+31 {a} {s}", 15), ("+31{a}{s}", 10),
                  ("0{a} {q}", 5), ("0031 {a} {s}", 3), ("+31 (0){a} {s}", 2)),
    ("NL", "l"): (("0{a}-{s}", 35), ("0{a} {t}", 15), ("0{a}{s}", 20), ("+31 {a} {t}", 12), ("+31{a}{s}", 8),
                  ("(0{a}) {s}", 5), ("0031 {a} {s}", 3), ("0{a} {p}", 2)),
    ("LU", "m"): (("+352 {a} {t}", 30), ("{a} {t}", 25), ("{N}", 12), ("00352 {a} {t}", 8), ("(+352) {a} {t}", 6),
                  ("+352{N}", 8), ("{a} {p}", 6), ("+352 {a} {p}", 5)),
    ("LU", "l"): (("+352 {P}", 30), ("{P}", 35), ("{N}", 12), ("00352 {N}", 6), ("(+352) {P}", 6),
                  ("+352{N}", 6), ("+352 {N}", 5)),
    ("FR", "m"): (("{F}", 45), ("{FD}", 15), ("0{N}", 15), ("+33 {a} {p}", 12), ("+33 (0){a} {p}", 4),
                  ("+33{N}", 6), ("0033 {a} {p}", 2), ("{FH}", 1)),
    ("DE", "m"): (("0{a} {s}", 35), ("0{a}/{s}", 15), ("0{a}-{s}", 10), ("+49 {a} {s}", 15), ("+49{a}{s}", 8),
                  ("+49 (0){a} {s}", 5), ("0{a}{s}", 8), ("0049 {a} {s}", 4)),
    ("DE", "l"): (("0{a} {s}", 30), ("0{a}/{s}", 20), ("(0{a}) {s}", 10), ("0{a}-{s}", 10), ("+49 {a} {s}", 15),
                  ("+49 (0){a} {s}", 5), ("0{a} {p}", 5), ("+49{a}{s}", 5)),
}
PHONE_FORMATS[("FR", "l")] = PHONE_FORMATS[("FR", "m")]

STREET_ABBREV = {
    "nl": (("steenweg", ("stwg", "stwg.", "stw.", "steenwg", " Steenweg")), ("straat", ("str.", "str", "str.")),
           ("laan", ("ln.", "laan")), ("Sint-", ("St-", "St.-", "Sint ")), ("Koning ", ("Kon. ", "K. ")),
           ("Burgemeester ", ("Burg. ", "Burgem. ")), ("Prins ", ("Pr. ",)), ("Pastoor ", ("Past. ",)),
           ("plein", ("pl.",)), ("Onze-Lieve-Vrouw", ("O.-L.-Vrouw", "OLV")), ("baan", ("bn.", "baan"))),
    "fr": (("Avenue ", ("Av. ", "Ave ", "Av ")), ("Chaussée ", ("Ch. ", "Chée ", "Chau. ")),
           ("Boulevard ", ("Bd ", "Bld ", "Boul. ")), ("Place ", ("Pl. ",)), ("Général ", ("Gén. ", "Gal ")),
           ("Maréchal ", ("Mal ", "Mar. ")), ("Saint-", ("St-", "St ")), ("Route ", ("Rte ",)),
           ("Impasse ", ("Imp. ",)), ("Allée ", ("All. ",)), ("Grand-Rue", ("Grand Rue", "Grand'Rue")),
           ("Rue ", ("R. ", "Rue ", "Rue "))),
    "de": (("straße", ("str.", "strasse", "str")), ("Straße", ("Str.", "Strasse", "Str")), ("platz", ("pl.",))),
}
BOX_FORMATS = {
    "nl": (("{n} bus {b}", 45), ("{n}/{b}", 25), ("{n} b{b}", 12), ("{n} bus{b}", 5), ("{n} b.{b}", 5),
           ("{n} box {b}", 8)),
    "fr": (("{n} bte {b}", 40), ("{n}/{b}", 25), ("{n} boîte {b}", 10), ("{n} bt {b}", 8), ("{n} b{b}", 12),
           ("{n} bte{b}", 5)),
    "de": (("{n}/{b}", 60), ("{n} Bfk. {b}", 20), ("{n} bte {b}", 20)),
}
SUFFIX_FORMATS = {
    "letter": (("{n}{x}", 40), ("{n} {x}", 20), ("{n}{xl}", 25), ("{n} {xl}", 10), ("{n}-{x}", 5)),
    "hs": (("{n} hs", 40), ("{n}-hs", 25), ("{n}hs", 20), ("{n} huis", 15)),
    "floor": (("{n}-{x}", 50), ("{n} {x}", 20), ("{n}-{r}", 20), ("{n} -{x}", 10)),
    "bis": (("{n} {x}", 45), ("{n}{x}", 25), ("{n} {X}", 15), ("{n}{X}", 15)),
}
ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}

FOLD_SIMPLE = str.maketrans({
    "á": "a", "à": "a", "â": "a", "ä": "a", "ã": "a", "å": "a", "é": "e", "è": "e", "ê": "e", "ë": "e",
    "í": "i", "ì": "i", "î": "i", "ï": "i", "ó": "o", "ò": "o", "ô": "o", "ö": "o", "õ": "o", "ú": "u",
    "ù": "u", "û": "u", "ü": "u", "ç": "c", "ñ": "n", "ş": "s", "ß": "ss", "æ": "ae", "œ": "oe",
    "Á": "A", "À": "A", "Â": "A", "Ä": "A", "É": "E", "È": "E", "Ê": "E", "Ë": "E", "Î": "I", "Ï": "I",
    "Ó": "O", "Ô": "O", "Ö": "O", "Ú": "U", "Ü": "U", "Ç": "C", "Ş": "S", "’": "'",
})
FOLD_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
KEYBOARD_ROWS = {
    "azerty": ("azertyuiop", "qsdfghjklm", "wxcvbn"),
    "qwerty": ("qwertyuiop", "asdfghjkl", "zxcvbnm"),
    "qwertz": ("qwertzuiop", "asdfghjkl", "yxcvbnm"),
}
LAYOUT = {"BE": "azerty", "FR": "azerty", "NL": "qwerty", "LU": "qwertz", "DE": "qwertz"}
SPELLINGS = (("ck", "k"), ("ae", "aa"), ("ij", "y"), ("y", "ij"), ("ph", "f"), ("dt", "t"), ("th", "t"),
             ("ey", "ei"), ("tt", "t"), ("ee", "e"), ("mm", "m"), ("ss", "s"), ("'", "’"), ("'", ""),
             ("ou", "oe"), ("ai", "ay"), ("x", "cks"), ("c", "k"))


def _neighbours(rows: tuple[str, ...]) -> dict[str, str]:
    near: dict[str, str] = {}
    for r, row in enumerate(rows):
        for i, ch in enumerate(row):
            keys = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
            for rr, cols in ((r - 1, (i, i + 1)), (r + 1, (i - 1, i))):
                if 0 <= rr < len(rows):
                    keys.extend(rows[rr][j] for j in cols if 0 <= j < len(rows[rr]))
            near[ch] = "".join(keys)
    return near


KEYBOARD = {name: _neighbours(rows) for name, rows in KEYBOARD_ROWS.items()}


# ---------------------------------------------------------------------------------------------
# Entities.


@dataclass(slots=True)
class Address:
    street: str
    street_alt: str      # the other language (Brussels), or ""
    number: str
    suffix: str          # A / hs / 2 (NL floor) / bis, or ""
    suffix_kind: str     # letter, hs, floor, bis
    box: str             # Belgian box (bus / boîte), or ""
    postal: str          # canonical: 2000, 1234AB, 59000
    city: str
    city_alts: tuple[str, ...]
    country: str
    lang: str            # nl, fr or de: how the address is written
    area: str            # telephone area code of the town
    town: City           # where the postal code and city come from


@dataclass(slots=True)
class Entity:
    eid: str
    kind: str
    country: str
    lang: str
    group: str
    addr: Address
    gender: str = ""
    first: str = ""
    nicks: tuple[str, ...] = ()
    surname: str = ""
    spouse: str = ""                 # married name (women), or ""
    partner_first: str = ""          # a household: the partner
    partner_surname: str = ""
    partner_gender: str = ""
    partner_nicks: tuple[str, ...] = ()
    junior: bool = False
    honorific: str = ""              # Dr., Ir., Me
    pattern: str = ""                # business name pattern
    trade: str = ""
    core: str = ""                   # surname or brand in the business name
    core2: str = ""
    word: str = ""
    legal: str = ""
    legal_alt: str = ""              # the same form before or after a reform (BVBA / BV)
    owner_first: str = ""
    owner_surname: str = ""
    owner_gender: str = ""
    branch: str = ""                 # town written after a chain's name
    mobile: tuple[str, str] = ("", "")
    landline: tuple[str, str] = ("", "")
    emails: list[str] = field(default_factory=list)
    vat: str = ""
    num_a: str = ""
    num_b: str = ""


def _fold(text: str, german: bool = False) -> str:
    if german:
        text = text.translate(FOLD_GERMAN)
    return text.translate(FOLD_SIMPLE)


def _slug(text: str, sep: str = "") -> str:
    text = _fold(text.lower(), german=True).replace("'", "").replace("’", "")
    out = []
    for ch in text:
        if ch.isalnum() and ch.isascii():
            out.append(ch)
        elif ch in " -&+./" and sep:
            out.append(sep)
    slug = "".join(out)
    while sep and sep * 2 in slug:
        slug = slug.replace(sep * 2, sep)
    return slug.strip(sep)


def _pairs(digits: str, sep: str = " ") -> str:
    head = digits[:3] if len(digits) % 2 else ""
    rest = digits[len(head):]
    groups = ([head] if head else []) + [rest[i:i + 2] for i in range(0, len(rest), 2)]
    return sep.join(groups)


def _weighted_index(v: float, weights: tuple[int, ...]) -> int:
    total = sum(weights)
    acc = 0.0
    for i, w in enumerate(weights):
        acc += w / total
        if v < acc:
            return i
    return len(weights) - 1


class _Generator:
    def __init__(self, n_entities: int, seed: int) -> None:
        self.n = n_entities
        self.rng = random.Random(seed)
        self.entities: list[Entity] = []
        self.hard: list[tuple[str, str, str]] = []
        self.records: list[dict[str, str]] = []
        size = max(4 * n_entities + 100, 1000)
        self.num_a = iter(self.rng.sample(range(100000, 100000 + 10 * size), size))
        self.num_b = iter(self.rng.sample(range(1, 10 * size), size))
        self.cum: dict[object, tuple[tuple, list[float]]] = {}

    # -- picking -------------------------------------------------------------------------------
    def pick(self, key: object, items: tuple, weights: tuple[float, ...] | None = None, zipf: float = 0.0):
        """One of items: by the given weights, by rank (zipf > 0: the first are commonest) or evenly."""
        if key not in self.cum:
            if weights is None:
                weights = tuple(1 / (i + 1) ** zipf for i in range(len(items)))
            acc, cum = 0.0, []
            for w in weights:
                acc += w
                cum.append(acc)
            self.cum[key] = (items, cum)
        items, cum = self.cum[key]
        return self.rng.choices(items, cum_weights=cum)[0]

    def choose(self, pairs: tuple[tuple[object, int], ...]):
        """One of (item, weight) pairs."""
        return self.rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]

    def digits(self, n: int, first_nonzero: bool = True) -> str:
        r = self.rng
        head = str(r.randint(1, 9)) if first_nonzero else str(r.randint(0, 9))
        return head + "".join(r.choices(string.digits, k=n - 1))

    def eid(self) -> str:
        return f"E{len(self.entities) + 1:06d}"

    # -- names ---------------------------------------------------------------------------------
    def group_for(self, country: str, region: str) -> str:
        key = ("group", country, region)
        table = {
            ("BE", "nl"): (("nl_be", 92), ("mig", 5), ("fr_be", 3)),
            ("BE", "fr"): (("fr_be", 88), ("mig", 6), ("nl_be", 6)),
            ("BE", "bru"): (("fr_be", 45), ("nl_be", 20), ("mig", 35)),
            ("BE", "de"): (("de", 70), ("fr_be", 30)),
            ("NL", "nl"): (("nl", 92), ("mig", 8)),
            ("LU", "fr"): (("lu", 60), ("pt", 22), ("fr", 10), ("de", 8)),
            ("FR", "fr"): (("fr", 93), ("mig", 7)),
            ("DE", "de"): (("de", 92), ("mig", 8)),
        }[(country, region)]
        return self.pick(key, tuple(g for g, _ in table), tuple(w for _, w in table))

    def lang_for(self, country: str, region: str, group: str) -> str:
        if country == "BE":
            if region == "bru":
                return "nl" if group == "nl_be" else "fr"
            return region
        if country == "LU":
            return "de" if group in ("de", "lu") and self.rng.random() < 0.4 else "fr"
        return {"NL": "nl", "FR": "fr", "DE": "de"}[country]

    def surname(self, group: str) -> str:
        return self.pick(("surname", group), SURNAMES[group], zipf=0.9)

    def first_name(self, group: str, gender: str) -> tuple[str, tuple[str, ...]]:
        names = FIRST_NAMES[(group, gender)]
        return self.pick(("first", group, gender), names, zipf=0.6)

    # -- addresses -----------------------------------------------------------------------------
    def city(self, country: str) -> City:
        cities = CITIES[country]
        return self.pick(("city", country), cities, tuple(c.weight for c in cities))

    def street_key(self, country: str, region: str) -> str:
        if country != "BE":
            return country
        return {"nl": "BE-nl", "fr": "BE-fr", "bru": "BE-bru", "de": "DE"}[region]

    def house_number(self, street: str = "") -> str:
        v = self.rng.random()
        if not any(w in street for w in ("steenweg", "baan", "Chaussée", "Route", "Avenue", "straße", "Straße")):
            v *= 0.97  # only long roads reach the high hundreds
        if v < 0.55:
            return str(self.rng.randint(1, 40))
        if v < 0.85:
            return str(self.rng.randint(41, 120))
        if v < 0.97:
            return str(self.rng.randint(121, 300))
        return str(self.rng.randint(301, 1200))

    def postal(self, city: City, country: str) -> str:
        code = self.rng.choice(city.codes)
        if country == "NL":
            letters = "ABCDEGHJKLMNPRSTVWXZ"
            pair = self.rng.choice(letters) + self.rng.choice(letters)
            while pair in ("SA", "SD", "SS"):
                pair = self.rng.choice(letters) + self.rng.choice(letters)
            return code + pair
        return code

    def address(self, country: str, city: City, lang: str, street: str | None = None, kind: str = "person",
                park: bool = False) -> Address:
        r = self.rng
        key = self.street_key(country, city.region)
        if street is None:
            pool = PARK_STREETS[key] if park else STREETS[key]
            street = self.pick(("street", key, park), pool, zipf=0.0 if park else 0.8)
        street_alt = ""
        if "/" in street:
            fr_name, nl_name = street.split("/")
            street, street_alt = (nl_name, fr_name) if lang == "nl" else (fr_name, nl_name)
        alts = city.alts
        name = city.name
        if city.region == "bru" and lang == "nl" and alts:
            name, alts = alts[0], (city.name,) + alts[1:]
        number = self.house_number(street)
        if kind == "business" and r.random() < 0.03:
            number = f"{number}-{int(number) + 2}"
        suffix = suffix_kind = box = ""
        v = r.random()
        if country == "BE" and kind == "person" and v < 0.14:
            box = self.box_value()
        elif country == "NL" and v < 0.12:
            suffix_kind = self.choose((("letter", 50), ("hs", 20), ("floor", 30)))
            suffix = {"letter": r.choice("ABC"), "hs": "hs", "floor": r.choice("1234")}[suffix_kind]
        elif country == "FR" and v < 0.04:
            suffix_kind, suffix = "bis", r.choice(("bis", "bis", "ter"))
        elif v < 0.06:
            suffix_kind, suffix = "letter", r.choice("AAB")
        return Address(street, street_alt, number, suffix, suffix_kind, box, self.postal(city, country), name,
                       alts, country, lang if country != "LU" else "fr", city.area, city)

    def box_value(self) -> str:
        v = self.rng.random()
        if v < 0.6:
            return str(self.rng.randint(1, 9))
        if v < 0.7:
            return self.rng.choice("AB")
        if v < 0.85:
            return f"{self.rng.randint(0, 4)}.{self.rng.randint(1, 4):02d}"
        return f"{self.rng.randint(1, 4)}0{self.rng.randint(1, 4)}"

    # -- contact details -----------------------------------------------------------------------
    def mobile(self, country: str) -> tuple[str, str]:
        r = self.rng
        if country == "BE":
            return "4" + r.choice(("70", "71", "72", "73", "74", "75", "76", "77", "78", "79", "84", "85", "86",
                                   "87", "88", "89", "91", "92", "93", "94", "95", "96", "97", "98", "99")), \
                self.digits(6)
        if country == "NL":
            return "6", str(r.randint(1, 5)) + self.digits(7, False)
        if country == "LU":
            return r.choice(("621", "628", "661", "671", "691")), self.digits(6)
        if country == "FR":
            return r.choice("667"), self.digits(8)
        prefix = r.choice(("151", "152", "157", "160", "162", "170", "171", "172", "173", "174", "175", "176",
                           "177", "178", "179"))
        return prefix, self.digits(8 if prefix[:2] == "15" or prefix >= "176" else 7)

    def landline(self, country: str, area: str) -> tuple[str, str]:
        r = self.rng
        if country == "BE":
            return area, self.digits(8 - len(area))
        if country == "NL":
            return area, self.digits(9 - len(area))
        if country == "LU":
            if r.random() < 0.3:
                return r.choice(("26", "27")), self.digits(6)
            return area[:2], self.digits(6 - len(area[:2]))
        if country == "FR":
            return area, self.digits(8)
        return area, self.digits(max(5, 10 - len(area) - r.choice((0, 0, 1))))

    def person_emails(self, e: Entity) -> list[str]:
        r = self.rng
        first = _slug(self.rng.choice((e.first,) + e.nicks) if e.nicks and r.random() < 0.4 else e.first)
        last = _slug(e.spouse if e.spouse and e.country in ("DE", "FR") else e.surname)
        provider = self.choose(PROVIDERS[e.country])
        yy = str(r.randint(55, 99)) if r.random() < 0.7 else f"{r.randint(0, 9)}{r.randint(0, 9)}"
        local = self.choose(((f"{first}.{last}", 35), (f"{first}{last}", 15), (f"{first[:1]}.{last}", 10),
                             (f"{last}.{first}", 8), (f"{first}_{last}", 5), (f"{first}{last}{yy}", 8),
                             (f"{first}.{last}{r.randint(1, 9)}", 4), (f"{last}{first[:1]}", 5),
                             (f"{first}{yy}", 6), (f"{last}.family" if e.lang != "fr" else f"famille.{last}", 4)))
        emails = [f"{local}@{provider}"]
        if r.random() < 0.25:
            if provider in PROVIDER_SUCCESSOR and r.random() < 0.5:
                emails.append(f"{local}@{PROVIDER_SUCCESSOR[provider]}")
            else:
                emails.append(f"{first}.{last}@{self.choose(PROVIDERS[e.country])}")
        return emails

    def business_emails(self, e: Entity) -> list[str]:
        r = self.rng
        name = {"sole": f"{e.trade} {e.owner_surname}", "two_names": f"{e.core} {e.core2}",
                "surname_word": f"{e.core} {e.word}", "acronym": f"{e.core} {e.word}",
                "franchise": f"{e.core} {e.branch}" if r.random() < 0.6 else e.owner_surname}.get(
            e.pattern, f"{e.trade} {e.core}")
        sep = "-" if r.random() < 0.5 else ""
        slug = _slug(name, sep) or _slug(e.core)
        local_words = {"nl": ("info", "info", "info", "office", "administratie"),
                       "fr": ("info", "contact", "contact", "secretariat", "administration"),
                       "de": ("info", "kontakt", "info", "buero", "post")}[e.lang]
        if r.random() < 0.65:
            tld = TLD[e.country] if r.random() < 0.88 else r.choice((".com", ".eu"))
            domain = slug + tld
            emails = [f"{r.choice(local_words)}@{domain}"]
            extra = {"nl": "boekhouding", "fr": "comptabilite", "de": "buchhaltung"}[e.lang]
            emails.append(f"{extra if r.random() < 0.6 else _slug(e.owner_first)}@{domain}")
        else:
            emails = [f"{slug.replace('-', '.')}@{self.choose(PROVIDERS[e.country])}"]
            emails.append(f"{_slug(e.owner_first)}.{_slug(e.owner_surname)}@{self.choose(PROVIDERS[e.country])}")
        return emails

    def vat(self, country: str) -> str:
        r = self.rng
        if country == "BE":
            n8 = r.randint(4000000, 9999999) if r.random() < 0.9 else r.randint(10000000, 10999999)
            return f"{n8:08d}{97 - n8 % 97:02d}"
        if country == "NL":
            return f"{self.digits(9)}B{r.choice(('01', '01', '01', '02'))}"
        if country == "LU":
            d6 = r.randint(100000, 999999)
            return f"{d6}{d6 % 89:02d}"
        if country == "FR":
            siren = r.randint(300000000, 999999999)
            return f"{(12 + 3 * (siren % 97)) % 97:02d}{siren}"
        d8 = self.digits(8)
        product = 10
        for ch in d8:
            total = (int(ch) + product) % 10 or 10
            product = 2 * total % 11
        return d8 + str((11 - product) % 10)

    # -- entities ------------------------------------------------------------------------------
    def base(self, country: str, city: City | None = None) -> tuple[City, str, str]:
        city = city or self.city(country)
        group = self.group_for(country, city.region)
        return city, group, self.lang_for(country, city.region, group)

    def person(self, country: str | None = None, city: City | None = None, addr: Address | None = None,
               group: str | None = None, lang: str | None = None) -> Entity:
        r = self.rng
        country = country or self.pick("country", tuple(COUNTRY_WEIGHTS), tuple(COUNTRY_WEIGHTS.values()))
        city, group0, lang0 = self.base(country, addr.town if addr else city)
        group, lang = group or group0, lang or lang0
        addr = addr or self.address(country, city, lang)
        e = Entity(self.eid(), "person", country, lang, group, addr)
        couple = r.random() < P_COUPLE
        e.gender = ("m" if r.random() < 0.75 else "f") if couple else r.choice("mf")
        e.first, e.nicks = self.first_name(group, e.gender)
        e.surname = self.surname(group)
        if couple:
            e.partner_gender = "f" if e.gender == "m" else "m"
            e.partner_first, e.partner_nicks = self.first_name(group, e.partner_gender)
            same = {"BE": 0.1, "NL": 0.15, "FR": 0.6, "DE": 0.8, "LU": 0.4}[country]
            e.partner_surname = e.surname if r.random() < same else self.surname(group)
        elif e.gender == "f" and r.random() < P_SPOUSE_NAME:
            e.spouse = self.surname(group)
            if e.spouse == e.surname:
                e.spouse = ""
        if r.random() < 0.02:
            e.honorific = r.choice(("Dr.", "Dr.", "Ir.", "Prof.") if lang != "fr" else ("Dr", "Me", "Dr."))
        self.contacts(e)
        return e

    def contacts(self, e: Entity) -> None:
        r = self.rng
        person = e.kind == "person"
        if r.random() < (0.80 if person else 0.50):
            e.mobile = self.mobile(e.country)
        if r.random() < (0.35 if person else 0.85):
            e.landline = self.landline(e.country, e.addr.area)
        if r.random() < (0.65 if person else 0.75):
            e.emails = self.person_emails(e) if person else self.business_emails(e)
        if not person and r.random() < 0.85:
            e.vat = self.vat(e.country)
        e.num_a = str(next(self.num_a))
        e.num_b = f"K{next(self.num_b):05d}"

    def business(self, country: str | None = None, city: City | None = None, addr: Address | None = None,
                 pattern: str | None = None) -> Entity:
        r = self.rng
        country = country or self.pick("country", tuple(COUNTRY_WEIGHTS), tuple(COUNTRY_WEIGHTS.values()))
        city, group, lang = self.base(country, addr.town if addr else city)
        addr = addr or self.address(country, city, lang, kind="business")
        e = Entity(self.eid(), "business", country, lang, group, addr)
        e.owner_gender = "m" if r.random() < 0.7 else "f"
        e.owner_first, _ = self.first_name(group, e.owner_gender)
        e.owner_surname = self.surname(group)
        trades = TRADES["BE-nl" if country == "BE" and lang == "nl" else "NL" if country == "NL" else lang]
        patterns = (("trade_surname", 28), ("surname_word", 18), ("family", 10), ("two_names", 8),
                    ("trade_brand", 14), ("sole", 10), ("acronym", 6)) + ((("ets", 6),) if lang == "fr" else ())
        e.pattern = pattern or self.pick(("pattern", lang), tuple(p for p, _ in patterns),
                                         tuple(w for _, w in patterns))
        e.trade = self.pick(("trade", lang, country), trades, zipf=0.5)
        e.core = e.owner_surname
        if e.pattern in ("surname_word", "two_names", "acronym"):
            e.trade = ""
        if e.pattern == "surname_word":
            e.word = r.choice(TRADE_SUFFIX[lang])
        elif e.pattern == "family":
            e.word = r.choice(FAMILY_WORDS[lang])
            if r.random() < 0.6:
                e.trade = ""
        elif e.pattern == "two_names":
            e.core2 = self.surname(group)
            e.word = r.choice(TRADE_SUFFIX[lang]) if r.random() < 0.5 else ""
        elif e.pattern == "trade_brand":
            e.core = r.choice(BRANDS[lang])
            if e.core in TECH_BRANDS:  # an installer's brand stands alone: "Thermo Plus BV"
                e.trade = ""
        elif e.pattern == "acronym":
            e.core = "".join(r.choices(string.ascii_uppercase, k=r.choice((2, 3, 3, 4))))
            e.word = r.choice(TRADE_SUFFIX[lang])
        elif e.pattern == "ets":
            e.trade = e.trade if r.random() < 0.3 else ""
        legal_key = f"BE-{lang}" if country == "BE" else country
        forms = LEGAL_FORMS[legal_key]
        e.legal = "" if e.pattern == "sole" else self.pick(("legal", legal_key), tuple(f for f, _ in forms),
                                                           tuple(w for _, w in forms))
        if e.legal in REFORM:
            e.legal_alt = REFORM[e.legal]
        elif e.legal in REFORM_BACK and country == "BE" and r.random() < 0.5:
            e.legal_alt = REFORM_BACK[e.legal]
        self.contacts(e)
        return e

    # -- hard negatives ------------------------------------------------------------------------
    def add(self, e: Entity, other: Entity | None = None, why: str = "") -> Entity:
        self.entities.append(e)
        if other is not None:
            self.hard.append((other.eid, e.eid, why))
        return e

    def family_member(self, base: Entity) -> None:
        r = self.rng
        e = self.person(base.country, addr=base.addr, group=base.group, lang=base.lang)
        e.surname = base.spouse if base.gender == "f" and base.spouse else base.surname
        e.spouse = e.partner_first = e.partner_surname = ""
        if r.random() < 0.08 and base.gender == "m" and not base.junior:
            e.gender, e.first, e.nicks, e.junior = "m", base.first, base.nicks, True
        else:
            while e.first == base.first:
                e.first, e.nicks = self.first_name(e.group, e.gender)
        if r.random() < 0.6:
            if not base.landline[0] and r.random() < 0.5:
                base.landline = self.landline(base.country, base.addr.area)
            e.landline = base.landline
        e.emails = self.person_emails(e) if r.random() < 0.6 else []
        if base.emails and r.random() < 0.1:
            e.emails = [base.emails[0]]
        self.add(e, base, "family")

    def neighbour(self, base: Entity) -> None:
        """Another household in the same building: same street and number, another box or floor."""
        r = self.rng
        a = base.addr
        if a.country == "BE":
            a.box = a.box or self.box_value()
        elif a.country == "NL" and not a.suffix:
            a.suffix_kind, a.suffix = "floor", "1"
        addr = replace(a)
        if a.country == "BE":
            while addr.box == a.box:
                addr.box = self.box_value()
        elif a.country == "NL":
            if a.suffix_kind == "hs":
                addr.suffix_kind, addr.suffix = "floor", r.choice("123")
            else:
                addr.suffix = r.choice([c for c in ("ABCD" if a.suffix_kind == "letter" else "1234") if c != a.suffix])
        self.add(self.person(base.country, addr=addr), base, "building")

    def same_street(self, base: Entity) -> None:
        addr = replace(base.addr, number=self.house_number(base.addr.street), box="", suffix="")
        e = self.person(base.country, addr=addr, group=base.group, lang=base.lang)
        e.surname = base.spouse if base.spouse and base.country in ("DE", "FR", "LU") else base.surname
        e.spouse = ""
        while e.first == base.first:
            e.first, e.nicks = self.first_name(e.group, e.gender)
        e.emails = self.person_emails(e) if e.emails else []
        self.add(e, base, "same_street")

    def namesake(self, base: Entity) -> None:
        city = self.city(base.country)
        e = self.person(base.country, city=city, group=base.group)
        while e.addr.city == base.addr.city:
            e.addr = self.address(base.country, self.city(base.country), e.lang)
        e.first, e.nicks, e.surname, e.gender = base.first, base.nicks, base.surname, base.gender
        e.spouse, e.partner_first, e.partner_surname = base.spouse, "", ""
        e.emails = self.person_emails(e) if e.emails else []
        self.add(e, base, "namesake")

    def park(self, base: Entity, k: int) -> None:
        base.addr = self.address(base.country, base.addr.town, base.lang, kind="business", park=True)
        base.addr.suffix = base.addr.suffix_kind = ""
        members = [base]
        for _ in range(k):
            addr = replace(base.addr)
            if base.country == "BE" and self.rng.random() < 0.6:
                addr.box = str(self.rng.randint(1, 12))
            e = self.business(base.country, addr=addr)
            for m in members:
                self.hard.append((m.eid, e.eid, "business_park"))
            self.entities.append(e)
            members.append(e)

    def chain(self, base: Entity, k: int, franchise: bool) -> None:
        r = self.rng
        if franchise:
            brand = r.choice(FRANCHISES[base.lang])
            base.pattern, base.core, base.trade = "franchise", brand, ""
            base.core2 = f"{base.owner_surname} {base.legal}".strip()
        base.branch = base.addr.city
        if franchise and base.emails:
            base.emails = self.business_emails(base)
        members = [base]
        copied = ("pattern", "core") if franchise else ("pattern", "trade", "core", "core2", "word", "legal",
                                                          "legal_alt")
        for _ in range(k):
            e = self.business(base.country)
            for attr in copied:
                setattr(e, attr, getattr(base, attr))
            e.branch = e.addr.city
            if franchise:
                e.core2 = f"{e.owner_surname} {e.legal}".strip()
                e.emails = self.business_emails(e) if e.emails else []
            else:
                e.emails = self.business_emails(e) if e.emails else []
                if base.vat and r.random() < 0.6:
                    e.vat = base.vat
                domain = base.emails[0].split("@")[1] if base.emails else ""
                if domain and domain not in PROVIDER_DOMAINS:
                    e.emails = [f"{_slug(e.addr.city, '-')}@{domain}", f"info@{domain}"] if r.random() < 0.8 else \
                        [base.emails[0]]
            e.branch = e.addr.city
            for m in members:
                self.hard.append((m.eid, e.eid, "franchise" if franchise else "chain_branch"))
            self.entities.append(e)
            members.append(e)

    def owner(self, base: Entity) -> None:
        r = self.rng
        e = self.person(base.country, addr=base.addr, group=base.group, lang=base.lang)
        e.first, e.surname, e.gender = base.owner_first, base.owner_surname, base.owner_gender
        e.nicks = next((n for f, n in FIRST_NAMES.get((base.group, base.owner_gender), ()) if f == e.first), ())
        e.spouse = ""
        if base.landline[0] and r.random() < 0.4:
            e.landline = base.landline
        if base.mobile[0] and r.random() < 0.5:
            e.mobile = base.mobile
        e.emails = self.person_emails(e) if r.random() < 0.6 else []
        self.add(e, base, "owner_business")

    def build_entities(self) -> None:
        r = self.rng
        while len(self.entities) < self.n:
            country = self.pick("country", tuple(COUNTRY_WEIGHTS), tuple(COUNTRY_WEIGHTS.values()))
            if r.random() < BUSINESS_SHARE[country]:
                e = self.add(self.business(country))
                v = r.random()
                if v < HN_PARK:
                    self.park(e, r.choice((1, 1, 2, 2, 3, 4)))
                elif v < HN_PARK + HN_CHAIN and e.pattern != "sole":  # a sole trader has no branches
                    self.chain(e, r.choice((1, 1, 2, 3)), franchise=False)
                elif v < HN_PARK + HN_CHAIN + HN_FRANCHISE:
                    self.chain(e, r.choice((1, 2)), franchise=True)
                elif v < HN_PARK + HN_CHAIN + HN_FRANCHISE + HN_OWNER:
                    self.owner(e)
            else:
                e = self.add(self.person(country))
                v = r.random()
                if v < HN_FAMILY:
                    for _ in range(1 if r.random() < 0.8 else 2):
                        self.family_member(e)
                elif v < HN_FAMILY + HN_BUILDING:
                    for _ in range(r.choice((1, 1, 2, 3))):
                        self.neighbour(e)
                elif v < HN_FAMILY + HN_BUILDING + HN_SAME_STREET:
                    self.same_street(e)
                elif v < HN_FAMILY + HN_BUILDING + HN_SAME_STREET + HN_NAMESAKE:
                    self.namesake(e)
        del self.entities[self.n:]
        kept = {e.eid for e in self.entities}
        self.hard = [h for h in self.hard if h[0] in kept and h[1] in kept]

    # -- styles: how one source writes one record ----------------------------------------------
    def style(self, e: Entity) -> dict:
        r = self.rng
        person = e.kind == "person"
        return {
            "order": ORDERS[_weighted_index(r.random(), ORDER_WEIGHTS[e.country])],
            "upper_surname": r.random() < (0.25 if e.country == "FR" else 0.06),
            "title": r.random() < 0.10, "title_idx": r.randrange(5),
            "nick": r.random() < 0.45, "nick_idx": r.randrange(3),
            "married": ("own", "double", "spouse", "nee")[_weighted_index(r.random(), MARRIED_WEIGHTS[e.country])],
            "particle": ("keep", "glued", "case", "inverted")[_weighted_index(r.random(), (75, 10, 10, 5))],
            "couple": r.randrange(100), "partner_only": False, "surname_only": r.random() < 0.015,
            "junior": r.randrange(6), "annotation": r.random() < P_ANNOTATION / 2, "annotation_idx": r.randrange(5),
            "legal_show": r.random() < 0.8, "legal_front": r.random() < LEGAL_FRONT[e.country],
            "legal_spelling": _weighted_index(r.random(), (70, 18, 8, 4)), "legal_reform": r.random() < 0.3,
            "amp": "&" if r.random() < 0.7 else AMP_WORD[e.lang], "trade_show": r.random() < 0.95,
            "abbr": r.random() < 0.35, "owner_show": r.random() < 0.02, "owner_form": r.randrange(3),
            "as_person": False, "branch_form": r.randrange(5), "franchise_form": r.randrange(4),
            "sole_form": r.randrange(3),
            "ascii": r.random() < P_ASCII_ONLY, "excel": r.random() < P_EXCEL, "caps": r.random() < P_ALL_CAPS,
            "street_abbrev": r.random() < 0.12, "abbrev_v": r.random(), "street_alt": r.random() < 0.15,
            "street_lower": r.random() < 0.2,
            "number_in_street": r.random() < 0.07, "box_v": r.random(), "suffix_v": r.random(),
            "postal_v": r.random(), "city_alt": r.random() < 0.08, "city_alt_idx": r.randrange(3),
            "city_upper": r.random() < 0.12, "city_missing": r.random() < 0.01, "number_missing": r.random() < 0.01,
            "country_show": r.random() > 0.01, "country_default": False, "swap": 0, "moved": None,
            "phone_show": r.random() < (0.62 if person else 0.78),
            "phone_which": "mobile" if r.random() < (0.7 if person else 0.2) else "landline",
            "phone_v": r.random(), "phone_both": r.random() < 0.03, "phone_typo": False,
            "email_show": r.random() < 0.55, "email_idx": 0 if r.random() < 0.9 else 1, "email_case": r.random(),
            "vat_show": r.random() < 0.7, "vat_v": r.random(),
            "source": self.choose(CUSTNO_SOURCES), "custno_v": r.random(), "custno": "",
            "alias": r.random() < (0.06 if person else 0.15), "alias_v": r.randrange(4),
            "kind_wrong": r.random() < (0.004 if person else 0.015),
        }

    def copy_style(self, e: Entity, st0: dict) -> dict:
        r = self.rng
        other_source = r.random() < P_OTHER_SOURCE
        st = self.style(e) if other_source else dict(st0)
        for key in ("nick", "nick_idx", "married", "particle"):  # how the customer gives the name, not the source
            st[key] = st0[key]
        if other_source and r.random() < P_SOURCE_SAME_ORDER:
            st["order"] = st0["order"]
        if e.kind == "person":
            if r.random() < P_ORDER_SWAP:
                st["order"] = {"sf": "fs", "fs": "sf", "sfc": "fs", "is": "si", "si": "is"}[st["order"]]
            if r.random() < P_INITIAL:
                st["order"] = r.choice(("is", "si"))
            if r.random() < P_NICKNAME:
                st["nick"], st["nick_idx"] = not st["nick"], r.randrange(3)
            if r.random() < P_TITLE_CHANGE:
                st["title"] = not st["title"]
            if e.spouse and r.random() < P_MARRIED_NAME:
                st["married"] = r.choice([m for m in ("own", "double", "spouse", "nee") if m != st["married"]])
            if r.random() < P_PARTICLE:
                st["particle"] = r.choice(("keep", "glued", "case", "inverted"))
            if e.partner_first:
                if r.random() < P_COUPLE_VARIANT:
                    st["couple"] = r.randrange(100)
                st["partner_only"] = r.random() < P_PARTNER_ONLY
            st["surname_only"] = st["surname_only"] or r.random() < P_SURNAME_ONLY
        else:
            if r.random() < P_LEGAL_FORM_CHANGE:
                action = r.choice(("show", "move", "spell", "reform") if e.legal_alt else ("show", "move", "spell"))
                if action == "show":
                    st["legal_show"] = not st["legal_show"]
                elif action == "move":
                    st["legal_show"], st["legal_front"] = True, not st["legal_front"]
                elif action == "spell":
                    st["legal_spelling"] = r.randrange(4)
                else:
                    st["legal_show"], st["legal_reform"] = True, not st["legal_reform"]
            if r.random() < P_AMP_CHANGE:
                st["amp"] = AMP_WORD[e.lang] if st["amp"] == "&" else "&"
            if r.random() < P_TRADE_DROP:
                st["trade_show"] = not st["trade_show"]
            if r.random() < P_ABBREV_CHANGE:
                st["abbr"] = not st["abbr"]
            st["owner_show"] = st["owner_show"] or r.random() < P_OWNER_ADDED
            if (e.pattern in ("sole", "trade_surname") and not e.legal) and r.random() < P_KIND_AS_PERSON:
                st["as_person"] = True
            if e.branch and r.random() < 0.3:
                st["branch_form"] = r.randrange(5)
        st["kind_wrong"] = st["kind_wrong"] or r.random() < P_KIND_WRONG / 2
        if r.random() < P_STREET_ABBREV:
            st["street_abbrev"], st["abbrev_v"] = not st["street_abbrev"], r.random()
        if e.addr.street_alt and r.random() < P_STREET_OTHER_LANGUAGE:
            st["street_alt"] = not st["street_alt"]
        st["number_missing"] = st["number_missing"] or r.random() < P_NUMBER_MISSING
        if r.random() < P_BOX_STYLE:
            st["box_v"], st["suffix_v"] = r.random(), r.random()
        st["city_missing"] = st["city_missing"] or r.random() < P_CITY_MISSING
        if e.addr.city_alts and r.random() < P_CITY_OTHER_NAME:
            st["city_alt"], st["city_alt_idx"] = not st["city_alt"], r.randrange(3)
        if r.random() < P_NUMBER_IN_STREET:
            st["number_in_street"] = not st["number_in_street"]
        if r.random() < P_FIELDS_SWAPPED:
            st["swap"] = r.randint(1, 3)
        if r.random() < P_COUNTRY_MISSING:
            st["country_show"] = False
        if e.country != "BE" and r.random() < P_COUNTRY_DEFAULTED:
            st["country_default"] = True
        if r.random() < P_MOVED:
            st["moved"] = self.moved_address(e)
        if r.random() < P_PHONE_MISSING:
            st["phone_show"] = False
        elif r.random() < P_PHONE_OTHER:
            st["phone_which"] = "landline" if st["phone_which"] == "mobile" else "mobile"
        if not other_source and r.random() < P_PHONE_REFORMAT:
            st["phone_v"] = r.random()
        st["phone_typo"] = r.random() < P_PHONE_TYPO
        if r.random() < P_EMAIL_MISSING:
            st["email_show"] = False
        elif r.random() < P_EMAIL_OTHER:
            st["email_idx"] = 1 - st["email_idx"]
        if r.random() < P_VAT_MISSING:
            st["vat_show"] = False
        elif r.random() < P_VAT_REFORMAT:
            st["vat_v"] = r.random()
        if not other_source and st["source"] and r.random() < P_CUSTNO_NEW:
            st["custno"] = str(next(self.num_a)) if st["source"] == "A" else f"K{next(self.num_b):05d}"
        if st["moved"] is not None:  # the only link left: phone, e-mail or customer number
            st["phone_show"] = st["phone_show"] or r.random() < 0.7
            st["email_show"] = st["email_show"] or r.random() < 0.6
            if not (st["phone_show"] and (e.mobile[0] or e.landline[0])) and not (st["email_show"] and e.emails):
                st["source"] = st["source"] or "A"
        return st

    def moved_address(self, e: Entity) -> Address:
        city = self.city(e.country) if self.rng.random() < 0.6 else e.addr.town
        return self.address(e.country, city, e.lang, kind=e.kind)

    # -- rendering -----------------------------------------------------------------------------
    def render(self, e: Entity, st: dict) -> dict[str, str]:
        addr = st["moved"] or e.addr
        if e.kind == "business" and not st["as_person"]:
            name, kind = business_name(e, st), "business"
        elif e.kind == "business":
            owner = replace(e, kind="person", first=e.owner_first, surname=e.owner_surname, gender=e.owner_gender,
                            nicks=(), partner_first="", spouse="")
            name, kind = person_name(owner, st), "person"
        else:
            name, kind = person_name(e, st), "person"
        if st["kind_wrong"]:
            kind = "person" if kind == "business" else "business"
        street, number, postal, city = render_address(addr, st)
        country = addr.country if st["country_show"] else ""
        if st["country_default"]:
            country = "BE"
        phone = self.render_phone(e, st)
        email = ""
        if st["email_show"] and e.emails:
            email = e.emails[min(st["email_idx"], len(e.emails) - 1)]
            if st["email_case"] < 0.03:
                email = email.upper()
            elif st["email_case"] < 0.08:
                local, _, domain = email.partition("@")
                email = ".".join(p.capitalize() for p in local.split(".")) + "@" + domain
        vat = render_vat(e.vat, e.country, st["vat_v"], e.lang) if e.vat and st["vat_show"] else ""
        custno = render_custno(e, st)
        alias = render_alias(e, st, addr) if st["alias"] else ""
        if st["ascii"]:
            name, street, city, alias = (_fold(x, e.lang == "de") for x in (name, street, city, alias))
        if st["caps"]:
            name, street, city, alias = name.upper(), street.upper(), city.upper(), alias.upper()
        return {"record_id": "", "entity_id": e.eid, "kind": kind, "name": name, "alias": alias, "street": street,
                "number": number, "postal_code": postal, "city": city, "country": country, "phone": phone,
                "email": email, "vat_number": vat, "customer_number": custno}

    def render_phone(self, e: Entity, st: dict) -> str:
        if not st["phone_show"]:
            return ""
        numbers = {"mobile": e.mobile, "landline": e.landline}
        order = [st["phone_which"], "landline" if st["phone_which"] == "mobile" else "mobile"]
        order = [k for k in order if numbers[k][0]]
        if not order:
            return ""
        text = format_phone(e.country, numbers[order[0]], order[0] == "mobile", st["phone_v"])
        if st["phone_both"] and len(order) == 2:
            text += (" / ", " - ", " ; ")[int(st["phone_v"] * 3)] + format_phone(
                e.country, numbers[order[1]], order[1] == "mobile", st["phone_v"])
        if st["excel"] and text.lstrip("+").isdigit():
            text = text.lstrip("+0")
        if st["phone_typo"]:
            spots = [i for i, ch in enumerate(text) if ch.isdigit()][4:]
            if spots:
                i = self.rng.choice(spots)
                text = text[:i] + str((int(text[i]) + self.rng.randint(1, 9)) % 10) + text[i + 1:]
        return text

    # -- noise on the written text ------------------------------------------------------------
    def noise(self, rec: dict[str, str], e: Entity, copy: bool) -> None:
        r = self.rng
        layout = LAYOUT[e.country]
        if not copy:
            if r.random() < P_BASE_TYPO:
                rec["name"] = self.typo(rec["name"], layout)
            if r.random() < P_BASE_TYPO:
                rec["street"] = self.typo(rec["street"], layout)
            return
        name = rec["name"]
        if r.random() < P_NAME_TYPO:
            name = self.typo(name, layout)
            if r.random() < P_SECOND_TYPO:
                name = self.typo(name, layout)
        if not name.isascii() and r.random() < P_ACCENT_DROP:
            name = _fold(name, german=r.random() < 0.5)
        if r.random() < P_SPELLING:
            hits = [(a, b) for a, b in SPELLINGS if a in name[1:]]
            if hits:
                a, b = r.choice(hits)
                name = name[0] + name[1:].replace(a, b, 1)
        inner = [i for i in range(1, len(name) - 1)
                 if name[i] == "-" and name[i - 1].isalpha() and name[i + 1].isalpha()]
        if inner and r.random() < P_HYPHEN:  # Jean-Pierre -> Jean Pierre, Peeters-Janssens -> Peeters - Janssens
            i = r.choice(inner)
            name = name[:i] + r.choice((" ", " ", "", " - ")) + name[i + 1:]
        if r.random() < P_CASE_CHANGE:
            name = r.choice((name.upper(), name.lower(), name.title()))
        if r.random() < P_EXTRA_SPACE:
            v = r.random()
            name = name.replace(" ", "  ", 1) if v < 0.5 and " " in name else (name + " " if v < 0.8 else " " + name)
        if r.random() < P_ANNOTATION:
            name += r.choice(ANNOTATIONS[e.lang] if rec["kind"] == "person" else BIZ_ANNOTATIONS[e.lang])
        rec["name"] = name
        if rec["street"]:
            if r.random() < P_STREET_TYPO:
                rec["street"] = self.typo(rec["street"], layout)
            if not rec["street"].isascii() and r.random() < P_ACCENT_DROP:
                rec["street"] = _fold(rec["street"], german=r.random() < 0.5)
        if rec["city"] and r.random() < P_CITY_TYPO:
            rec["city"] = self.typo(rec["city"], layout)
        if rec["city"] and not rec["city"].isascii() and r.random() < P_ACCENT_DROP:
            rec["city"] = _fold(rec["city"], german=r.random() < 0.5)
        if rec["postal_code"] and r.random() < P_POSTAL_TYPO:
            p = rec["postal_code"]
            spots = [i for i, ch in enumerate(p) if ch.isdigit()][1:]
            if spots:
                i = r.choice(spots)
                rec["postal_code"] = p[:i] + str((int(p[i]) + r.choice((1, 9, 2, 8))) % 10) + p[i + 1:]
        if rec["email"] and r.random() < P_EMAIL_TYPO:
            local, _, domain = rec["email"].partition("@")
            domain = r.choice((domain.replace(".com", ".con"), domain.replace("mail", "mial"),
                               domain.replace(".be", ".b"), domain + ".", domain.replace(".", ",", 1)))
            rec["email"] = f"{local}@{domain}"
        if r.random() < P_MOJIBAKE:
            for key in ("name", "street", "city"):
                if not rec[key].isascii():
                    rec[key] = rec[key].encode("utf-8").decode("cp1252", errors="replace")

    def typo(self, text: str, layout: str) -> str:
        r = self.rng
        spots = [i for i, ch in enumerate(text) if ch.isalpha()]
        if len(spots) < 4:
            return text
        i = r.choice(spots[1:]) if r.random() < 0.92 else spots[0]
        ch = text[i]
        v = r.random()
        if v < 0.35:
            near = KEYBOARD[layout].get(ch.lower(), "")
            if near:
                new = r.choice(near)
                return text[:i] + (new.upper() if ch.isupper() else new) + text[i + 1:]
            v = 0.5
        if v < 0.6:
            return text[:i] + text[i + 1:]
        if v < 0.75:
            return text[:i] + ch + text[i:]
        if v < 0.95 and i + 1 < len(text) and text[i + 1].isalpha() and text[i + 1] != ch:
            return text[:i] + text[i + 1] + ch + text[i + 2:]
        vowel = r.choice("aeiou")
        return text[:i] + (vowel if ch.islower() else vowel.upper()) + text[i + 1:]

    # -- the whole file ------------------------------------------------------------------------
    def run(self) -> list[dict[str, str]]:
        r = self.rng
        self.build_entities()
        all_numbers = [e.num_a for e in self.entities]
        for e in self.entities:
            st0 = self.style(e)
            rec = self.render(e, st0)
            self.noise(rec, e, copy=False)
            self.records.append(rec)
            copies = 0
            if r.random() < P_DUPLICATED[e.kind]:
                copies = self.choose(EXTRA_COPIES)
            for _ in range(copies):
                st = self.copy_style(e, st0)
                rec = self.render(e, st)
                self.noise(rec, e, copy=True)
                self.records.append(rec)
        for rec in self.records:
            if rec["customer_number"] and r.random() < P_CUSTNO_REUSED:
                rec["customer_number"] = r.choice(all_numbers)
        r.shuffle(self.records)
        for i, rec in enumerate(self.records, 1):
            rec["record_id"] = f"R{i:07d}"
        return self.records


# ---------------------------------------------------------------------------------------------
# Writing the fields.


def surname_form(surname: str, mode: str, country: str) -> str:
    parts = surname.split(" ")
    k = 0
    while k < len(parts) - 1 and parts[k].lower() in PARTICLES:
        k += 1
    if k == 0 or mode == "keep":
        return surname
    if mode == "glued" and country in ("BE", "FR", "LU"):
        return parts[0].capitalize() + "".join(p.lower() for p in parts[1:])
    if mode == "inverted":
        return surname
    if parts[0][0].isupper():
        return " ".join([p.lower() for p in parts[:k]] + parts[k:])
    return " ".join([p.capitalize() for p in parts[:k]] + parts[k:])


def initial(first: str) -> str:
    if "-" in first:
        return "-".join(p[0] + "." for p in first.split("-"))
    return first[0] + "."


def person_name(e: Entity, st: dict) -> str:
    lang = e.lang
    first = e.first
    if st["nick"] and e.nicks:
        first = e.nicks[st["nick_idx"] % len(e.nicks)]
    s1 = surname_form(e.surname, st["particle"], e.country)
    if e.partner_first and not st["partner_only"]:
        s2 = surname_form(e.partner_surname, st["particle"], e.country)
        f2 = e.partner_first
        if st["nick"] and e.partner_nicks:
            f2 = e.partner_nicks[st["nick_idx"] % len(e.partner_nicks)]
        if st["upper_surname"]:
            s1, s2 = s1.upper(), s2.upper()
        templates = [t for t in COUPLES[lang] if "{s2}" not in t or s2 != s1]
        return templates[st["couple"] % len(templates)].format(f1=first, s1=s1, f2=f2, s2=s2)
    gender = e.gender
    if e.partner_first:  # the household under the partner's name
        first, gender = e.partner_first, e.partner_gender
        s1 = surname_form(e.partner_surname, st["particle"], e.country)
    elif e.spouse:
        sp = surname_form(e.spouse, st["particle"], e.country)
        if st["married"] == "double":
            s1 = f"{sp}-{s1}"
        elif st["married"] == "spouse":
            s1 = sp
        elif st["married"] == "nee":
            s1 = f"{sp} née {s1}" if lang == "fr" else f"{sp} geb. {s1}"
    if st["upper_surname"]:
        s1 = s1.upper()
    order = st["order"]
    words = s1.split(" ")
    if st["particle"] == "inverted" and e.country in ("NL", "BE") and len(words) > 1 and "-" not in s1 \
            and words[0].lower() in PARTICLES and not st["surname_only"]:
        k = next(i for i, w in enumerate(words) if w.lower() not in PARTICLES)
        given = initial(first) if order in ("is", "si") else first
        name = f"{' '.join(words[k:])}, {given} {' '.join(words[:k]).lower()}"  # Berg, Jan van den
    elif st["surname_only"]:
        name = s1 if st["couple"] % 2 else {"nl": "Fam. ", "fr": "Famille ", "de": "Familie "}[lang] + s1
    elif order == "sf":
        name = f"{s1} {first}"
    elif order == "fs":
        name = f"{first} {s1}"
    elif order == "sfc":
        name = f"{s1}, {first}"
    elif order == "is":
        name = f"{initial(first)} {s1}"
    else:
        name = f"{s1} {initial(first)}"
    if e.junior and st["junior"] < 4:
        name += (" jr.", " junior", " Jr", " (zoon)" if lang == "nl" else " fils" if lang == "fr" else " jun.")[
            st["junior"]]
    if st["title"] and not st["surname_only"]:
        title = TITLES[lang][gender][st["title_idx"] % len(TITLES[lang][gender])]
        name = f"{title} {e.honorific + ' ' if e.honorific else ''}{name}"
    elif e.honorific and st["title_idx"] < 2:
        name = f"{e.honorific} {name}"
    if st["annotation"]:
        options = ANNOTATIONS[lang]
        name += options[st["annotation_idx"] % len(options)]
    return name


def legal_text(e: Entity, st: dict) -> str:
    form = e.legal_alt if st["legal_reform"] and e.legal_alt else e.legal
    if not form:
        return ""
    spellings = NL_SPELLINGS.get(form, LEGAL_SPELLINGS[form]) if e.country == "NL" else LEGAL_SPELLINGS[form]
    return spellings[st["legal_spelling"] % len(spellings)]


def business_name(e: Entity, st: dict) -> str:
    amp, abbr, lang = st["amp"], st["abbr"], e.lang
    trade = e.trade if st["trade_show"] else ""
    p = e.pattern
    if p == "trade_surname":
        body = f"{trade} {e.core}"
    elif p == "surname_word":
        body = f"{e.core} {e.word if st['trade_show'] else ''}"
    elif p == "family":
        body = {
            "zonen": f"{e.core} {amp} {'Zn.' if abbr else 'Zonen'}",
            "gebroeders": f"{'Gebr.' if abbr else 'Gebroeders'} {e.core}",
            "fils": f"{e.core} {amp} Fils" if not abbr else f"Ets {e.core} {amp} Fils",
            "freres": f"{e.core} Frères" if not abbr else f"Frères {e.core}",
            "ets": f"{'Ets' if abbr else 'Établissements'} {e.core}",
            "sohne": f"{e.core} {amp} Söhne",
            "gebruder": f"{'Gebr.' if abbr else 'Gebrüder'} {e.core}",
        }[e.word]
        if trade:
            body = f"{trade} {body}"
    elif p == "two_names":
        body = f"{e.core} {amp} {e.core2} {e.word if st['trade_show'] else ''}"
    elif p == "trade_brand":
        body = f"{trade} {e.core}"
    elif p == "sole":
        if st["sole_form"] == 0 or not trade:
            body = f"{trade} {e.owner_first} {e.owner_surname}"
        elif st["sole_form"] == 1:
            body = f"{e.owner_surname} {e.owner_first} - {trade}"
        else:
            body = f"{trade} {e.owner_surname}"
    elif p == "acronym":
        body = f"{e.core} {e.word}" if st["trade_show"] or not e.word else f"{'.'.join(e.core)}."
    elif p == "ets":
        body = f"{'Ets.' if abbr and st['legal_spelling'] else 'Ets' if abbr else 'Établissements'} {e.core}"
        if trade:
            body = f"{body} - {trade}"
    elif p == "franchise":
        body = (e.core, f"{e.core} {e.branch}", f"{e.core} - {e.core2}", f"{e.core2} ({e.core})")[st["franchise_form"]]
    else:
        body = e.core
    body = " ".join(body.split())
    legal = legal_text(e, st) if st["legal_show"] and p != "franchise" else ""
    if legal:
        body = f"{legal} {body}" if st["legal_front"] else f"{body} {legal}"
    if e.branch and p != "franchise":
        form = st["branch_form"]
        if form == 1:
            body += f" - {e.branch}"
        elif form == 2:
            body += f" ({e.branch})"
        elif form == 3:
            body += f" {e.branch}"
    if st["owner_show"] and p != "sole":
        owner = f"{e.owner_first} {e.owner_surname}"
        body += (f" - {owner}", f" ({owner})", f" t.a.v. {owner}" if lang == "nl" else f" / {owner}")[st["owner_form"]]
    return body


def street_abbrev(street: str, lang: str, v: float) -> str:
    for pattern, reps in STREET_ABBREV[lang]:
        if pattern in street:
            rep = reps[int(v * len(reps)) % len(reps)]
            if pattern == "steenweg" and rep == " Steenweg":
                return street.replace("steenweg", " Steenweg")  # Brusselsesteenweg -> Brusselse Steenweg
            street = street.replace(pattern, rep, 1)
            if lang != "fr":
                break
    return street


def house_number(a: Address, st: dict) -> str:
    n = a.number
    if not n:
        return ""
    if a.suffix:
        templates = SUFFIX_FORMATS[a.suffix_kind]
        t = templates[_weighted_index(st["suffix_v"], tuple(w for _, w in templates))][0]
        n = t.format(n=n, x=a.suffix, xl=a.suffix.lower(), X=a.suffix[0].upper(), r=ROMAN.get(a.suffix, a.suffix))
    if a.box:
        templates = BOX_FORMATS[a.lang]
        t = templates[_weighted_index(st["box_v"], tuple(w for _, w in templates))][0]
        n = t.format(n=n, b=a.box)
    return n


def postal_text(a: Address, st: dict) -> str:
    p, v, c = a.postal, st["postal_v"], a.country
    if c == "NL":
        p = f"{p[:4]} {p[4:]}" if v < 0.7 else p if v < 0.95 else f"{p[:4]} {p[4:].lower()}"
    elif c == "LU":
        p = f"L-{p}" if v < 0.55 else p if v < 0.95 else f"L {p}"
    elif v > 0.975:
        p = {"BE": "B-", "FR": "F-", "DE": "D-"}[c] + p
    if st["excel"] and p.isdigit():
        p = p.lstrip("0")
    return p


def render_address(a: Address, st: dict) -> tuple[str, str, str, str]:
    street = a.street_alt if st["street_alt"] and a.street_alt else a.street
    lang = "fr" if a.street.startswith(("Rue", "Avenue", "Chaussée", "Boulevard", "Place", "Route", "Grand",
                                         "Chemin", "Allée", "Impasse", "Zone", "Parc")) else a.lang
    if a.street_alt:
        lang = "nl" if street == a.street_alt and a.lang == "fr" or street == a.street and a.lang == "nl" else "fr"
    if st["street_abbrev"]:
        street = street_abbrev(street, lang, st["abbrev_v"])
    if lang == "fr" and st["street_lower"] and street[:1].isupper() and " " in street:
        street = street[0].lower() + street[1:]
    number = "" if st["number_missing"] else house_number(a, st)
    postal = postal_text(a, st)
    city = a.city
    if st["city_alt"] and a.city_alts:
        city = a.city_alts[st["city_alt_idx"] % len(a.city_alts)]
    if st["city_upper"]:
        city = city.upper()
    if st["city_missing"]:
        city = ""
    if st["number_in_street"] and number:
        street = f"{number}, {street}" if lang == "fr" and st["abbrev_v"] < 0.5 and a.country in ("FR", "LU") else \
            f"{number} {street}" if lang == "fr" and a.country in ("FR", "LU") else f"{street} {number}"
        number = ""
    swap = st["swap"]
    if swap == 1:
        street, city = city, street
    elif swap == 2 and city:
        city, postal = f"{postal} {city}", ""
    elif swap == 3:
        street = ", ".join(x for x in (" ".join(x for x in (street, number) if x), f"{postal} {city}".strip()) if x)
        number = postal = city = ""
    return street, number, postal, city


def format_phone(country: str, number: tuple[str, str], mobile: bool, v: float) -> str:
    a, s = number
    kind = "m" if mobile or country == "FR" else "l"
    formats = PHONE_FORMATS[(country, kind)]
    template = formats[_weighted_index(v, tuple(w for _, w in formats))][0]
    full = a + s
    if country == "FR":
        a, s = full[0], full[1:]
    return template.format(a=a, s=s, p=_pairs(s), d=_pairs(s, "."), t=f"{s[:3]} {s[3:]}", q=f"{s[:4]} {s[4:]}",
                           N=full, P=_pairs(full), F=_pairs("0" + full), FD=_pairs("0" + full, "."),
                           FH=_pairs("0" + full, "-"))


def render_vat(d: str, country: str, v: float, lang: str) -> str:
    if country == "BE":
        dotted = f"{d[:4]}.{d[4:7]}.{d[7:]}"
        word = {"nl": "BTW", "fr": "TVA", "de": "MwSt."}[lang]
        forms = ((f"BE{d}", 40), (f"BE {dotted}", 18), (f"BE {d[:4]} {d[4:7]} {d[7:]}", 8), (dotted, 12),
                 (f"BE{d[1:]}" if d[0] == "0" else f"BE{d}", 5), (f"be{d}", 2), (f"BE-{dotted}", 3), (d, 6),
                 (f"{word} BE {dotted}", 2), (f"BE {d}", 4))
    elif country == "NL":
        forms = ((f"NL{d}", 60), (f"NL {d[:4]}.{d[4:6]}.{d[6:9]}.{d[9:]}", 15), (f"NL {d[:9]} {d[9:]}", 12),
                 (f"nl{d.lower()}", 5), (f"NL{d[:9]}.{d[9:]}", 8))
    elif country == "LU":
        forms = ((f"LU{d}", 60), (f"LU {d[:4]} {d[4:]}", 15), (f"LU {d}", 15), (d, 10))
    elif country == "FR":
        forms = ((f"FR{d}", 55), (f"FR {d[:2]} {d[2:]}", 15), (f"FR {d[:2]} {d[2:5]} {d[5:8]} {d[8:]}", 20),
                 (f"FR{d[:2]} {d[2:5]} {d[5:8]} {d[8:]}", 10))
    else:
        forms = ((f"DE{d}", 60), (f"DE {d[:3]} {d[3:6]} {d[6:]}", 20), (f"DE {d}", 12), (f"USt-IdNr. DE{d}", 8))
    return forms[_weighted_index(v, tuple(w for _, w in forms))][0]


def render_custno(e: Entity, st: dict) -> str:
    source, v = st["source"], st["custno_v"]
    if not source:
        return ""
    number = st["custno"] or (e.num_a if source == "A" else e.num_b)
    if source == "A":
        text = number.zfill(8) if v > 0.9 else number
    else:
        digits = number[1:]
        text = number if v < 0.7 else f"K{digits.lstrip('0')}" if v < 0.8 else number.lower() if v < 0.85 else \
            f"K-{digits}" if v < 0.92 else digits
    return text.lstrip("0") if st["excel"] and text.isdigit() else text


def render_alias(e: Entity, st: dict, a: Address) -> str:
    v = st["alias_v"]
    if e.kind == "person":
        surname = e.surname if not e.spouse else e.spouse
        code = _slug(surname).upper()
        return (code[:8] + e.first[:1].upper(), f"{surname} {a.city}", f"{e.first} ({a.city})",
                f"{code[:6]}{len(e.first):02d}")[v]
    core = e.core if e.pattern != "sole" else e.owner_surname
    code = _slug(core).upper()
    trade = _slug(e.trade).upper()[:3]
    return (code[:10], f"{e.trade} {core[:1]}." if e.trade else code[:6], f"{core} {a.city}",
            f"{trade} {code[:8]}".strip())[v]


# ---------------------------------------------------------------------------------------------


def generate_with_hard_negatives(n_entities: int, seed: int = 0) -> tuple[list[dict[str, str]],
                                                                          list[tuple[str, str, str]]]:
    """The records, and the hard negatives as (entity_id, entity_id, why) pairs of distinct entities."""
    gen = _Generator(n_entities, seed)
    records = gen.run()
    return records, gen.hard


def generate(n_entities: int, seed: int = 0) -> list[dict[str, str]]:
    """Records of n_entities customers; records with equal entity_id are duplicates of one customer."""
    return generate_with_hard_negatives(n_entities, seed)[0]


def summary(records: list[dict[str, str]], hard: list[tuple[str, str, str]], kinds: dict[str, str]) -> str:
    """Entities, records, duplicate pairs and hard negatives; kinds: the true kind of each entity_id."""
    groups: dict[str, list[dict[str, str]]] = {}
    for rec in records:
        groups.setdefault(rec["entity_id"], []).append(rec)
    sizes: dict[int, int] = {}
    for recs in groups.values():
        sizes[len(recs)] = sizes.get(len(recs), 0) + 1
    pairs = sum(k * (k - 1) // 2 * c for k, c in sizes.items())
    persons = sum(1 for eid in groups if kinds[eid] == "person")
    duplicated = sum(c for k, c in sizes.items() if k > 1)
    why: dict[str, int] = {}
    for _, _, w in hard:
        why[w] = why.get(w, 0) + 1
    filled = {k: sum(1 for r in records if r[k]) / len(records) for k in ("phone", "email", "vat_number",
                                                                             "customer_number", "alias")}
    lines = [
        f"entities: {len(groups)} (persons {persons / len(groups):.1%}, businesses {1 - persons / len(groups):.1%})",
        f"records: {len(records)}",
        f"duplicated entities: {duplicated} ({duplicated / len(groups):.1%}); records per entity: "
        + ", ".join(f"{k}: {c}" for k, c in sorted(sizes.items())),
        f"duplicate pairs: {pairs}",
        f"hard-negative pairs: {len(hard)} (" + ", ".join(f"{w} {c}" for w, c in sorted(why.items())) + ")",
        "filled: " + ", ".join(f"{k} {v:.0%}" for k, v in filled.items()),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of entities (real customers)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="-", help="CSV file to write (- for standard output)")
    parser.add_argument("--hard-negatives", help="also write the hard-negative entity pairs to this CSV")
    args = parser.parse_args(argv)
    gen = _Generator(args.n, args.seed)
    records, hard = gen.run(), gen.hard
    if args.out == "-":
        writer = csv.DictWriter(sys.stdout, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(records)
    else:
        with open(args.out, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(records)
    if args.hard_negatives:
        with open(args.hard_negatives, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(("entity_id_a", "entity_id_b", "why"))
            out.writerows(hard)
    kinds = {e.eid: e.kind for e in gen.entities}
    print(summary(records, hard, kinds), file=sys.stderr if args.out == "-" else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
