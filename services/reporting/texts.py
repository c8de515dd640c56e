"""Every word of the reports and their e-mail, Danish first, English on request.

Pure. ``Texts(lang)("key", name=...)`` gives the text; a missing key raises, so a report never
shows a key instead of a sentence (both catalogs have the same keys; a test checks it).
Questionnaire texts come as ``{"da": ..., "en": ...}`` and go through ``Texts.loc``.
"""

from __future__ import annotations

LANGUAGES = ("da", "en")

DA: dict[str, str] = {
    "overall": "Samlet modenhedsindeks",
    "yes": "Ja",
    "no": "Nej",
    "summary.title": "Sammenfatning",
    "cover.round": "Runde {year} ({state})",
    "cover.generated": "Dannet {date}",
    "cover.confidential": "Fortroligt: kun til kommunens eget brug.",
    "round.open": "åben, foreløbige tal",
    "round.closed": "lukket",
    "round.draft": "kladde",
    "bmstate.final": "endelige tal",
    "bmstate.preliminary": "foreløbige tal",
    "render.contents": "Indhold",
    "render.page": "Side",
    "render.of": "af",
    "render.chart_note": "Figuren vises i PDF- og HTML-udgaven; tallene står i tabellen.",
    "render.toc_note": "Højreklik og vælg Opdater felt for at opdatere indholdsfortegnelsen.",
    "answer.na": "Ikke relevant",
    "answer.yes": "Ja",
    "answer.partly": "Delvist",
    "answer.no": "Nej",
    "answer.none_ticked": "Intet valgt",
    "answer.unknown_person": "Ukendt",
    "scope.municipality": "Kommunen samlet",
    "verdict.below": "under det acceptable niveau",
    "verdict.at_or_above": "på eller over det acceptable niveau",
    "verdict.none": "uden score endnu",
    "verdict.below_short": "Under acceptabelt niveau",
    "verdict.ok_short": "Acceptabelt eller bedre",
    "verdict.none_short": "Ingen score",
    "col.area": "Fokusområde",
    "col.question": "Spørgsmål",
    "col.key": "Nøgle",
    "col.unit": "Enhed",
    "col.answer": "Svar",
    "col.na": "Ikke relevant",
    "col.justification": "Begrundelse",
    "col.comment": "Kommentar",
    "col.score": "Score",
    "col.weight": "Vægt",
    "col.gap": "Afstand til niveau",
    "col.urgency": "Prioritet (afstand × vægt)",
    "col.advice": "Anbefaling",
    "col.references": "Referencer",
    "col.change": "Ændring",
    "col.verdict": "Vurdering",
    "col.completeness": "Besvaret",
    "col.difference": "Forskel",
    "col.note": "Bemærkning",
    "col.answered_at": "Besvaret den",
    "chart.acceptable": "Acceptabelt niveau (3)",
    "chart.own": "Jeres værdi",
    "chart.median": "Median",
    "chart.quartiles": "Midterste halvdel",
    "chart.withheld": "ikke vist",
    "chart.national_quartiles": "Landets midterste halvdel",
    "chart.bars_desc": "Søjler pr. fokusområde på skalaen 1-5: {first} og {second}. "
    "Tallene står i tabellen under figuren.",
    "chart.trend_desc": "Udviklingen år for år på skalaen 1-5. Tallene står i tabellen under "
    "figuren.",
    "mun.title": "Samlet rapport {year}",
    "mun.summary_overall": "{name} har et samlet modenhedsindeks på {score} på skalaen 1-5, "
    "hvor {level} er det acceptable niveau. Kommunen ligger dermed {verdict}.",
    "mun.summary_areas": "{below} af {total} fokusområder ligger under det acceptable niveau. "
    "Kommunen har besvaret {completeness} af spørgsmålene.",
    "mun.summary_band": "Sammenlignet med hele landet ligger kommunens samlede indeks i {band}.",
    "mun.summary_top": "De vigtigste anbefalinger (størst afstand til niveauet gange vægt):",
    "status.title": "Status pr. fokusområde",
    "status.intro": "Scoren pr. fokusområde er det vægtede gennemsnit af kommunens svar. "
    "Niveau {level} er acceptabelt; områder under niveauet er markeret i tabellen.",
    "status.chart": "Status pr. fokusområde {year} mod året før",
    "status.caption": "Score pr. fokusområde {year}, ændring siden sidste besvarede år",
    "status.previous": "Året før",
    "dev.title": "Udvikling over årene",
    "dev.intro": "Kommunens samlede indeks år for år ved siden af landets median og midterste "
    "halvdel. Spørgerammen ændrer sig lidt hvert år; ved år med ændrede spørgsmål står andelen "
    "af fælles spørgsmål, så en ændring ikke læses som fremgang alene.",
    "dev.chart": "Samlet indeks over årene",
    "dev.caption": "Score pr. fokusområde og år",
    "dev.note": "Fokusområder og spørgsmål følges over årene ved deres faste nøgler.",
    "dev.note_share": "{share} ens",
    "dev.own": "Kommunen",
    "dev.national_median": "Landets median",
    "dev.none": "Der er endnu ingen tidligere år at sammenligne med.",
    "bm.title": "Sammenligning med andre kommuner",
    "bm.intro": "Tallene er offentliggjort af sammenligningstjenesten for hele landet, jeres "
    "region og kommuner af jeres størrelse. Et tal vises kun, når det bygger på mindst 5 andre "
    "kommuner og ikke kan føres tilbage til én kommune; ellers står der \u201cikke vist\u201d. "
    "Placeringen er en fjerdedel, aldrig en rangliste.",
    "bm.preliminary": "Foreløbige tal: runden er åben, så tallene er afrundet groft og kan ændre "
    "sig.",
    "bm.not_participated": "Kommunen har ingen egne tal i denne sammenligning.",
    "bm.none": "Der er endnu ingen offentliggjort sammenligning for denne runde.",
    "bm.withheld": "Ikke vist: for få kommuner eller for ens svar",
    "bm.chart": "Jeres scorer mod {group}",
    "bm.chart_desc": "Pr. fokusområde: gruppens midterste halvdel som felt, medianen som streg og "
    "jeres værdi som ruder; {group}.",
    "bm.participation": "Bygger på {participants} af {members} kommuner.",
    "bm.own": "Jeres",
    "bm.median": "Median",
    "bm.mean": "Gennemsnit",
    "bm.q1": "Nedre kvartil",
    "bm.q3": "Øvre kvartil",
    "bm.n": "Antal kommuner",
    "bm.band": "Placering",
    "band.lowest": "den laveste fjerdedel",
    "band.lower_middle": "den næstlaveste fjerdedel",
    "band.upper_middle": "den næsthøjeste fjerdedel",
    "band.highest": "den højeste fjerdedel",
    "bandshort.lowest": "Laveste fjerdedel",
    "bandshort.lower_middle": "Næstlaveste fjerdedel",
    "bandshort.upper_middle": "Næsthøjeste fjerdedel",
    "bandshort.highest": "Højeste fjerdedel",
    "group.all": "Hele landet",
    "group.region": "Region {name}",
    "size.small": "Kommuner under 30.000 indbyggere",
    "size.medium": "Kommuner med 30.000-50.000 indbyggere",
    "size.large": "Kommuner med 50.000-100.000 indbyggere",
    "size.largest": "Kommuner over 100.000 indbyggere",
    "done.title": "Besvarelse og hvem der har svaret",
    "done.intro": "Kommunen har besvaret {completeness} af de forventede svar (kommunens "
    "spørgsmål plus enhedernes spørgsmål for hver enhed). Ikke relevant tæller som besvaret.",
    "done.areas_caption": "Besvarelse pr. fokusområde",
    "done.units_caption": "Besvarelse og samlet score pr. enhed",
    "done.answered": "Besvaret",
    "done.expected": "Forventet",
    "who.intro": "Hvem har svaret: antal svar pr. person (delegerede står med navn og "
    "e-mailadresse), og hvor de har svaret.",
    "who.caption": "Hvem har svaret",
    "who.person": "Besvaret af",
    "who.answers": "Antal svar",
    "who.where": "Svaret for",
    "who.latest": "Seneste svar",
    "rec.title": "Anbefalinger",
    "rec.intro": "De {count} vigtigste anbefalinger. Rækkefølgen er afstanden fra scoren til det "
    "acceptable niveau gange spørgsmålets vægt, så et tungt spørgsmål lidt under niveauet kan "
    "komme før et let spørgsmål langt under. Hele listen står i regnearkets handlingsplan.",
    "rec.figures": "Tal",
    "rec.figures_text": "score {score}, vægt {weight}, afstand {gap}, prioritet {urgency}",
    "rec.no_advice": "Spørgerammen har ingen anbefaling til dette spørgsmål.",
    "rec.none": "Ingen spørgsmål ligger under det acceptable niveau.",
    "rec.none_unit": "Ingen af enhedens spørgsmål ligger under det acceptable niveau.",
    "plan.rank": "Nr.",
    "plan.units_below": "Enheder under niveau",
    "plan.owner": "Ansvarlig",
    "plan.deadline": "Frist",
    "plan.status": "Status",
    "sheet.scores": "Scorer",
    "sheet.answers": "Svar",
    "sheet.plan": "Handlingsplan",
    "unit.title": "Ledelsesrapport {year}",
    "unit.summary": "{unit} har et samlet indeks på {score} mod {rest} i gennemsnit for "
    "kommunens {others} andre enheder. Niveau {level} er acceptabelt.",
    "unit.summary_areas": "{below} af {total} fokusområder ligger under det acceptable niveau. "
    "Enheden har besvaret {completeness} af sine spørgsmål og har {recommendations} anbefalinger.",
    "unit.status_title": "Enhedens status mod resten af organisationen",
    "unit.status_intro": "Enhedens spørgsmål besvares af enhedens system- og dataejere. Resten af "
    "organisationen er gennemsnittet af kommunens øvrige enheder (hver enhed tæller én gang).",
    "unit.chart": "{unit} mod resten af organisationen",
    "unit.caption": "Enheden mod resten af organisationen {year}",
    "unit.rest": "Resten af organisationen",
    "unit.rec_title": "Enhedens anbefalinger",
    "unit.rec_intro": "Enheden har {count} spørgsmål under det acceptable niveau. De står med det "
    "vigtigste først (afstand til niveauet gange vægt), med spørgsmålet og enhedens svar.",
    "unit.done_intro": "Enheden har besvaret {completeness} af sine spørgsmål.",
    "unit.dev_intro": "Enhedens samlede indeks år for år ved siden af kommunens samlede indeks.",
    "unit.dev_chart": "{unit} over årene",
    "unit.dev_caption": "{unit}: score pr. fokusområde og år",
    "unit.municipality_overall": "Kommunen samlet",
    "owners.title": "System- og dataejere",
    "owners.intro": "Spørgsmålene om system- og dataejerskab ét for ét: {unit} mod gennemsnittet "
    "af kommunens øvrige enheder.",
    "owners.caption": "System- og dataejerskab spørgsmål for spørgsmål",
    "owners.none": "Spørgerammen har intet fokusområde om system- og dataejere i denne runde.",
    "kl.title": "National baseline {year}",
    "kl.subtitle": "Kommunernes informationssikkerhed: status, udvikling og fælles indsatser",
    "kl.cover_note": "Bygger udelukkende på anonymiserede, offentliggjorte tal for grupper af "
    "kommuner.",
    "kl.aggregates_only": "Rapporten bygger kun på tal for grupper af kommuner efter "
    "sammenligningstjenestens diskretionskontrol. Den indeholder ingen enkelt kommunes svar, "
    "scorer eller navn.",
    "kl.summary_participation": "{participants} af {members} kommuner deltog i {year}; "
    "{complete} besvarede alt.",
    "kl.summary_overall": "Landets median for det samlede indeks er {median}, og {share} af "
    "kommunerne ligger på eller over det acceptable niveau.",
    "kl.summary_priorities": "Fokusområderne med den største andel af kommuner under niveauet:",
    "kl.priority_line": "{area}: {share} under niveauet",
    "kl.participation_title": "Deltagelse",
    "kl.participation_intro": "Deltagelse pr. fast gruppe. Grupper under 6 kommuner vises ikke.",
    "kl.participation_caption": "Deltagelse {year}",
    "kl.group": "Gruppe",
    "kl.members": "Kommuner",
    "kl.participants": "Deltog",
    "kl.complete": "Besvarede alt",
    "kl.year": "År",
    "kl.status_title": "National status pr. fokusområde",
    "kl.status_intro": "Fordelingen af kommunernes scorer: median, midterste halvdel og andelen "
    "på eller over det acceptable niveau.",
    "kl.status_chart": "National status {year}",
    "kl.status_chart_desc": "Pr. fokusområde: landets midterste halvdel som felt og medianen som "
    "streg på skalaen 1-5.",
    "kl.status_caption": "Hele landet {year}",
    "kl.share_acceptable": "Andel på eller over niveau",
    "kl.share_below": "Andel under niveau",
    "kl.dev_title": "Udvikling over årene",
    "kl.dev_intro": "Alle deltagere år for år og panelet: de kommuner, der deltog i begge år af "
    "et skridt, så ændringen ikke skyldes, hvem der deltog.",
    "kl.dev_chart": "Det samlede indeks over årene",
    "kl.dev_chart_desc": "Median og gennemsnit for alle deltagere år for år med landets midterste "
    "halvdel som felt.",
    "kl.dev_median": "Median, alle deltagere",
    "kl.dev_mean": "Gennemsnit, alle deltagere",
    "kl.dev_caption": "Median pr. fokusområde og år, alle deltagere",
    "kl.dev_participation_caption": "Deltagelse pr. år",
    "kl.dev_none": "Der er endnu ingen lukkede runder at følge.",
    "kl.panel_intro": "Panelet: de samme kommuner før og efter hvert skridt.",
    "kl.panel_caption": "Panelets udvikling",
    "kl.step": "Skridt",
    "kl.panel_from": "Median før",
    "kl.panel_to": "Median efter",
    "kl.panel_change_median": "Ændring i median",
    "kl.panel_change_mean": "Ændring i gennemsnit",
    "kl.panel_quantiles_only": "Kun median og kvartiler: få kommuner kom til eller faldt fra",
    "kl.comparable": "Fælles spørgsmål",
    "kl.groups_title": "Fordelinger i regioner og størrelsesgrupper",
    "kl.groups_intro": "Det samlede indeks og hvert fokusområde fordelt på de faste grupper.",
    "kl.groups_chart": "Det samlede indeks pr. gruppe",
    "kl.groups_chart_desc": "Pr. gruppe: midterste halvdel som felt og medianen som streg.",
    "kl.groups_caption": "{what} pr. gruppe",
    "kl.priorities_title": "Områder der kræver fælles indsats",
    "kl.priorities_intro": "Fokusområder og spørgsmål med den største andel af kommuner under det "
    "acceptable niveau (derefter den laveste median). Her vil en fælles indsats flytte flest.",
    "kl.priority_areas": "Fokusområder efter andel under niveau",
    "kl.priority_questions": "De {count} spørgsmål med størst andel under niveau",
    "mail.subject": "Rapporten er klar: {title} / Your report is ready",
    "mail.greeting": "Kære {name}",
    "mail.body": "Rapporten \u201c{title}\u201d ({format}) er dannet og ligger klar til jer på "
    "platformen. Log ind for at hente den:",
    "mail.footer": "Rapporten sendes ikke med e-mailen; den kan kun hentes af jeres egen "
    "organisation efter login.",
}

EN: dict[str, str] = {
    "overall": "Overall maturity index",
    "yes": "Yes",
    "no": "No",
    "summary.title": "Summary",
    "cover.round": "Round {year} ({state})",
    "cover.generated": "Generated {date}",
    "cover.confidential": "Confidential: for the municipality's own use only.",
    "round.open": "open, preliminary figures",
    "round.closed": "closed",
    "round.draft": "draft",
    "bmstate.final": "final figures",
    "bmstate.preliminary": "preliminary figures",
    "render.contents": "Contents",
    "render.page": "Page",
    "render.of": "of",
    "render.chart_note": "The chart is in the PDF and HTML editions; its numbers are in the table.",
    "render.toc_note": "Right-click and choose Update Field to update the table of contents.",
    "answer.na": "Not applicable",
    "answer.yes": "Yes",
    "answer.partly": "Partly",
    "answer.no": "No",
    "answer.none_ticked": "Nothing ticked",
    "answer.unknown_person": "Unknown",
    "scope.municipality": "The municipality as a whole",
    "verdict.below": "below the acceptable level",
    "verdict.at_or_above": "at or above the acceptable level",
    "verdict.none": "without a score yet",
    "verdict.below_short": "Below the acceptable level",
    "verdict.ok_short": "Acceptable or better",
    "verdict.none_short": "No score",
    "col.area": "Focus area",
    "col.question": "Question",
    "col.key": "Key",
    "col.unit": "Unit",
    "col.answer": "Answer",
    "col.na": "Not applicable",
    "col.justification": "Justification",
    "col.comment": "Comment",
    "col.score": "Score",
    "col.weight": "Weight",
    "col.gap": "Gap to the level",
    "col.urgency": "Priority (gap × weight)",
    "col.advice": "Recommendation",
    "col.references": "References",
    "col.change": "Change",
    "col.verdict": "Assessment",
    "col.completeness": "Answered",
    "col.difference": "Difference",
    "col.note": "Note",
    "col.answered_at": "Answered on",
    "chart.acceptable": "Acceptable level (3)",
    "chart.own": "Your value",
    "chart.median": "Median",
    "chart.quartiles": "Middle half",
    "chart.withheld": "withheld",
    "chart.national_quartiles": "National middle half",
    "chart.bars_desc": "Bars per focus area on the 1-5 scale: {first} and {second}. The numbers "
    "are in the table below the chart.",
    "chart.trend_desc": "The development year by year on the 1-5 scale. The numbers are in the "
    "table below the chart.",
    "mun.title": "Municipality report {year}",
    "mun.summary_overall": "{name} has an overall maturity index of {score} on the 1-5 scale, "
    "where {level} is the acceptable level. The municipality is therefore {verdict}.",
    "mun.summary_areas": "{below} of {total} focus areas are below the acceptable level. The "
    "municipality answered {completeness} of the questions.",
    "mun.summary_band": "Compared with all of Denmark, the municipality's overall index is in "
    "{band}.",
    "mun.summary_top": "The most important recommendations (largest gap to the level times "
    "weight):",
    "status.title": "Status per focus area",
    "status.intro": "The score per focus area is the weighted mean of the municipality's answers. "
    "Level {level} is acceptable; areas below it are marked in the table.",
    "status.chart": "Status per focus area {year} against the year before",
    "status.caption": "Score per focus area {year}, change since the last year answered",
    "status.previous": "Year before",
    "dev.title": "Development over the years",
    "dev.intro": "The municipality's overall index year by year beside the national median and "
    "middle half. The questionnaire changes a little every year; years with changed questions "
    "show the share of questions in common, so a change is not read as progress alone.",
    "dev.chart": "Overall index over the years",
    "dev.caption": "Score per focus area and year",
    "dev.note": "Focus areas and questions are followed across years by their stable keys.",
    "dev.note_share": "{share} same",
    "dev.own": "The municipality",
    "dev.national_median": "National median",
    "dev.none": "There are no earlier years to compare with yet.",
    "bm.title": "Comparison with other municipalities",
    "bm.intro": "The figures are published by the benchmark service for all of Denmark, your "
    "region and municipalities of your size. A figure is shown only when it is built from at "
    "least 5 other municipalities and cannot be traced to one municipality; otherwise it says "
    "\u201cwithheld\u201d. The position is a quarter, never a rank.",
    "bm.preliminary": "Preliminary figures: the round is open, so the figures are coarsely "
    "rounded and may change.",
    "bm.not_participated": "The municipality has no values of its own in this comparison.",
    "bm.none": "No comparison has been published for this round yet.",
    "bm.withheld": "Withheld: too few municipalities or too uniform answers",
    "bm.chart": "Your scores against {group}",
    "bm.chart_desc": "Per focus area: the group's middle half as a box, the median as a line and "
    "your value as a diamond; {group}.",
    "bm.participation": "Built from {participants} of {members} municipalities.",
    "bm.own": "Yours",
    "bm.median": "Median",
    "bm.mean": "Mean",
    "bm.q1": "Lower quartile",
    "bm.q3": "Upper quartile",
    "bm.n": "Municipalities",
    "bm.band": "Position",
    "band.lowest": "the lowest quarter",
    "band.lower_middle": "the lower middle quarter",
    "band.upper_middle": "the upper middle quarter",
    "band.highest": "the highest quarter",
    "bandshort.lowest": "Lowest quarter",
    "bandshort.lower_middle": "Lower middle quarter",
    "bandshort.upper_middle": "Upper middle quarter",
    "bandshort.highest": "Highest quarter",
    "group.all": "All of Denmark",
    "group.region": "Region {name}",
    "size.small": "Municipalities under 30,000 inhabitants",
    "size.medium": "Municipalities with 30,000-50,000 inhabitants",
    "size.large": "Municipalities with 50,000-100,000 inhabitants",
    "size.largest": "Municipalities over 100,000 inhabitants",
    "done.title": "Completion and who answered",
    "done.intro": "The municipality answered {completeness} of the expected answers (its own "
    "questions plus the unit questions for every unit). Not applicable counts as answered.",
    "done.areas_caption": "Completion per focus area",
    "done.units_caption": "Completion and overall score per unit",
    "done.answered": "Answered",
    "done.expected": "Expected",
    "who.intro": "Who answered: answers per person (delegates appear with name and e-mail "
    "address), and what they answered for.",
    "who.caption": "Who answered",
    "who.person": "Answered by",
    "who.answers": "Answers",
    "who.where": "Answered for",
    "who.latest": "Latest answer",
    "rec.title": "Recommendations",
    "rec.intro": "The {count} most important recommendations. The order is the gap from the score "
    "to the acceptable level times the question's weight, so a heavy question a little below the "
    "level can come before a light one far below. The full list is in the spreadsheet's action "
    "plan.",
    "rec.figures": "Figures",
    "rec.figures_text": "score {score}, weight {weight}, gap {gap}, priority {urgency}",
    "rec.no_advice": "The questionnaire has no recommendation for this question.",
    "rec.none": "No question is below the acceptable level.",
    "rec.none_unit": "None of the unit's questions is below the acceptable level.",
    "plan.rank": "No.",
    "plan.units_below": "Units below the level",
    "plan.owner": "Owner",
    "plan.deadline": "Deadline",
    "plan.status": "Status",
    "sheet.scores": "Scores",
    "sheet.answers": "Answers",
    "sheet.plan": "Action plan",
    "unit.title": "Management report {year}",
    "unit.summary": "{unit} has an overall index of {score} against {rest} on average for the "
    "municipality's {others} other units. Level {level} is acceptable.",
    "unit.summary_areas": "{below} of {total} focus areas are below the acceptable level. The "
    "unit answered {completeness} of its questions and has {recommendations} recommendations.",
    "unit.status_title": "The unit against the rest of the organisation",
    "unit.status_intro": "The unit's questions are answered by its system and data owners. The "
    "rest of the organisation is the mean of the municipality's other units (each counts once).",
    "unit.chart": "{unit} against the rest of the organisation",
    "unit.caption": "The unit against the rest of the organisation {year}",
    "unit.rest": "Rest of the organisation",
    "unit.rec_title": "The unit's recommendations",
    "unit.rec_intro": "The unit has {count} questions below the acceptable level. They are listed "
    "most important first (gap to the level times weight), with the question and the unit's "
    "answer.",
    "unit.done_intro": "The unit answered {completeness} of its questions.",
    "unit.dev_intro": "The unit's overall index year by year beside the municipality's.",
    "unit.dev_chart": "{unit} over the years",
    "unit.dev_caption": "{unit}: score per focus area and year",
    "unit.municipality_overall": "The municipality as a whole",
    "owners.title": "System and data owners",
    "owners.intro": "The questions on system and data ownership one by one: {unit} against the "
    "mean of the municipality's other units.",
    "owners.caption": "System and data ownership question by question",
    "owners.none": "The questionnaire has no focus area on system and data owners this round.",
    "kl.title": "National baseline {year}",
    "kl.subtitle": "Information security in the municipalities: status, development and common "
    "action",
    "kl.cover_note": "Built only from anonymised, published figures of groups of municipalities.",
    "kl.aggregates_only": "The report is built only from figures of groups of municipalities after "
    "the benchmark service's disclosure control. It holds no single municipality's answers, scores "
    "or name.",
    "kl.summary_participation": "{participants} of {members} municipalities took part in {year}; "
    "{complete} answered everything.",
    "kl.summary_overall": "The national median of the overall index is {median}, and {share} of "
    "the municipalities are at or above the acceptable level.",
    "kl.summary_priorities": "The focus areas with the largest share of municipalities below the "
    "level:",
    "kl.priority_line": "{area}: {share} below the level",
    "kl.participation_title": "Participation",
    "kl.participation_intro": "Participation per fixed group. Groups under 6 municipalities are "
    "not shown.",
    "kl.participation_caption": "Participation {year}",
    "kl.group": "Group",
    "kl.members": "Municipalities",
    "kl.participants": "Took part",
    "kl.complete": "Answered everything",
    "kl.year": "Year",
    "kl.status_title": "National status per focus area",
    "kl.status_intro": "The distribution of the municipalities' scores: median, middle half and "
    "the share at or above the acceptable level.",
    "kl.status_chart": "National status {year}",
    "kl.status_chart_desc": "Per focus area: the national middle half as a box and the median as "
    "a line on the 1-5 scale.",
    "kl.status_caption": "All of Denmark {year}",
    "kl.share_acceptable": "Share at or above the level",
    "kl.share_below": "Share below the level",
    "kl.dev_title": "Development over the years",
    "kl.dev_intro": "All participants year by year, and the panel: the municipalities that took "
    "part in both years of a step, so a change is not caused by who took part.",
    "kl.dev_chart": "The overall index over the years",
    "kl.dev_chart_desc": "Median and mean of all participants year by year with the national "
    "middle half as a band.",
    "kl.dev_median": "Median, all participants",
    "kl.dev_mean": "Mean, all participants",
    "kl.dev_caption": "Median per focus area and year, all participants",
    "kl.dev_participation_caption": "Participation per year",
    "kl.dev_none": "There are no closed rounds to follow yet.",
    "kl.panel_intro": "The panel: the same municipalities before and after each step.",
    "kl.panel_caption": "The panel's development",
    "kl.step": "Step",
    "kl.panel_from": "Median before",
    "kl.panel_to": "Median after",
    "kl.panel_change_median": "Change of the median",
    "kl.panel_change_mean": "Change of the mean",
    "kl.panel_quantiles_only": "Median and quartiles only: few municipalities joined or left",
    "kl.comparable": "Questions in common",
    "kl.groups_title": "Distributions in regions and size classes",
    "kl.groups_intro": "The overall index and each focus area across the fixed groups.",
    "kl.groups_chart": "The overall index per group",
    "kl.groups_chart_desc": "Per group: the middle half as a box and the median as a line.",
    "kl.groups_caption": "{what} per group",
    "kl.priorities_title": "Areas needing common action",
    "kl.priorities_intro": "Focus areas and questions with the largest share of municipalities "
    "below the acceptable level (then the lowest median). Common action here moves the most.",
    "kl.priority_areas": "Focus areas by share below the level",
    "kl.priority_questions": "The {count} questions with the largest share below the level",
    "mail.subject": "Rapporten er klar / Your report is ready: {title}",
    "mail.greeting": "Dear {name}",
    "mail.body": "The report \u201c{title}\u201d ({format}) has been generated and is ready for "
    "you on the platform. Log in to download it:",
    "mail.footer": "The report is not attached to this e-mail; only your own organisation can "
    "download it after logging in.",
}

CATALOGS = {"da": DA, "en": EN}


class Texts:
    """The texts of one report in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in CATALOGS else "da"
        self.catalog = CATALOGS[self.lang]

    def __call__(self, key: str, **values: object) -> str:
        text = self.catalog[key]
        return text.format(**values) if values else text

    def loc(self, value: object) -> str:
        """A questionnaire text ``{"da", "en"}`` in this language, Danish as the fallback."""
        if isinstance(value, dict):
            return str(value.get(self.lang) or value.get("da") or next(iter(value.values()), ""))
        return "" if value is None else str(value)

    def labels(self) -> dict[str, str]:
        """The renderers' own words, carried inside the document."""
        return {
            key.removeprefix("render."): text
            for key, text in self.catalog.items()
            if key.startswith("render.")
        }
