"""The texts of the history, benchmark and KL pages, Danish and English, merged into the
catalogs of ``gateway.i18n`` (kept apart so that issue 4 does not crowd the shared file)."""

from __future__ import annotations

DA: dict[str, str] = {
    "nav.development": "Udvikling",
    "nav.benchmark": "Sammenligning",
    "nav.kl_development": "Udvikling over årene",
    "bm.title": "Sammenligning med andre kommuner {year}",
    "bm.intro": "Her ser I jeres modenhed ved siden af tallene for hele landet, jeres region og "
    "kommuner af jeres størrelse. Tallene er anonyme: et tal vises kun, når det bygger på mindst "
    "5 andre kommuner, og I ser aldrig andre kommuners navne, svar eller en rangliste.",
    "bm.none_yet": "Der er endnu ingen sammenligning for denne runde. Den beregnes, når "
    "kommunerne har svaret, og endeligt når runden lukker.",
    "bm.preliminary": "Foreløbige tal: runden er åben, så tallene ændrer sig, efterhånden som "
    "kommunerne svarer. De er afrundet groft, og antallet af kommuner er vist som et minimum.",
    "bm.compare_with": "Sammenlign med",
    "bm.group.all": "Hele landet",
    "bm.group.region": "Region {name}",
    "bm.size.small": "Kommuner under 30.000 indbyggere",
    "bm.size.medium": "Kommuner med 30.000-50.000 indbyggere",
    "bm.size.large": "Kommuner med 50.000-100.000 indbyggere",
    "bm.size.largest": "Kommuner over 100.000 indbyggere",
    "bm.band.lowest": "Laveste fjerdedel",
    "bm.band.lower_middle": "Næstlaveste fjerdedel",
    "bm.band.upper_middle": "Næsthøjeste fjerdedel",
    "bm.band.highest": "Højeste fjerdedel",
    "bm.position_heading": "Jeres placering: {group}",
    "bm.own_overall": "Jeres samlede modenhedsindeks",
    "bm.group_median": "Gruppens median",
    "bm.position": "Placering",
    "bm.participants": "Bygger på",
    "bm.participants_of": "{participants} af {members} kommuner",
    "bm.not_participated": "Jeres kommune har ikke svaret i denne runde, så der er ingen egne "
    "tal at sammenligne.",
    "bm.own": "Jeres",
    "bm.median": "Median",
    "bm.quartiles": "Midterste halvdel",
    "bm.mean": "Gennemsnit",
    "bm.share_acceptable": "Andel på niveau 3 eller derover",
    "bm.n": "Antal kommuner",
    "bm.withheld": "Ikke vist",
    "bm.withheld_note": "”Ikke vist”: tallet ville bygge på for få kommuner, på kommuner der "
    "alle har svaret ens, eller det ville sammen med de andre tal kunne afsløre en enkelt "
    "kommune. Derfor vises det ikke.",
    "bm.areas_caption": "Jeres modenhed pr. indsatsområde sammenlignet med {group}",
    "bm.question": "Spørgsmål",
    "bm.questions_heading": "Spørgsmål for spørgsmål",
    "bm.questions_intro": "Åbn et indsatsområde for at se jeres score på hvert spørgsmål ved "
    "siden af tallene for {group}.",
    "bm.questions_caption": "{area}: jeres score pr. spørgsmål sammenlignet med {group}",
    "bm.chart.own": "Jeres værdi",
    "bm.chart.median": "Median",
    "bm.chart.quartiles": "Midterste halvdel af kommunerne",
    "bm.chart.acceptable": "Acceptabelt niveau (3)",
    "bm.chart.withheld": "ikke vist",
    "bm.chart.caption": "Den skraverede kasse viser den midterste halvdel af kommunerne, stregen "
    "medianen og ruden jeres værdi. Tallene står i tabellen.",
    "bm.chart.areas_title": "Modenhed pr. indsatsområde {year} sammenlignet med {group}",
    "bm.chart.areas_desc": "For hvert indsatsområde og det samlede indeks vises den midterste "
    "halvdel af kommunerne i gruppen {group} som en kasse, medianen som en streg og jeres egen "
    "værdi som en rude på skalaen 1 til 5. Den stiplede linje er det acceptable niveau 3.",
    "bm.unit.heading": "En enhed sammenlignet med resten af organisationen",
    "bm.unit.intro": "Vælg en enhed for at se dens modenhed ved siden af gennemsnittet af "
    "kommunens øvrige enheder.",
    "bm.unit.no_scores": "Der er ingen scorer for enheden i denne runde.",
    "bm.unit.rest": "Resten af organisationen",
    "bm.unit.difference": "Forskel",
    "bm.unit.rest_units": "Antal øvrige enheder",
    "bm.unit.caption": "{unit} sammenlignet med resten af organisationen",
    "bm.unit.chart_title": "{unit} sammenlignet med resten af organisationen {year}",
    "bm.unit.chart_desc": "To søjler pr. indsatsområde: {unit} og gennemsnittet af kommunens "
    "øvrige enheder, på skalaen 1 til 5. Den stiplede linje er det acceptable niveau 3.",
    "dev.title": "Jeres udvikling over årene",
    "dev.intro": "Modenheden i hver runde, I har svaret på, med landets median og midterste "
    "halvdel til sammenligning. Spørgsmålene følges fra år til år via deres faste nøgle.",
    "dev.none": "Der er ingen runder med svar endnu.",
    "dev.benchmark_down": "Landstallene kan ikke hentes lige nu. Jeres egne tal vises som normalt.",
    "dev.share_explained": "Spørgerammen ændrer sig lidt hvert år. Hvor spørgsmålene bag et tal "
    "er ændret, står andelen af fælles spørgsmål ved året (fx ”86 % ens”). En ændring i tallet "
    "kan da skyldes nye spørgsmål og ikke kun bedre sikkerhed.",
    "dev.note_share": "{share} ens",
    "dev.national_median": "Landets median",
    "dev.national_quartiles": "Landets midterste halvdel",
    "dev.chart_title": "Udvikling: {what}",
    "dev.chart_desc": "Jeres score for {what} år for år som en fuldt optrukket linje, landets "
    "median som en stiplet linje og landets midterste halvdel som et skraveret bånd, på skalaen "
    "1 til 5. Prikkede lodrette linjer viser, hvor spørgerammen blev ændret.",
    "dev.year": "År",
    "dev.comparable": "Fælles spørgsmål",
    "dev.overall_caption": "Samlet modenhedsindeks år for år",
    "dev.areas_heading": "Indsatsområder",
    "dev.area_caption": "{area} år for år",
    "dev.not_in_questionnaire": "ikke i spørgerammen",
    "dev.changes_heading": "Ændringer i spørgerammen",
    "dev.changes_caption": "Hvad der ændrede sig fra år til år",
    "dev.step": "Fra-til",
    "dev.added": "Nye spørgsmål",
    "dev.removed": "Udgåede spørgsmål",
    "dev.reworded": "Omformulerede spørgsmål",
    "dev.units_heading": "Enhederne år for år",
    "dev.units_caption": "Samlet modenhedsindeks pr. enhed og år",
    "dev.unit_areas": "{unit}: indsatsområder år for år",
    "dev.questions_heading": "Spørgsmålene år for år",
    "dev.questions_intro": "Åbn et indsatsområde for at se jeres score på hvert spørgsmål i de "
    "år, spørgsmålet var med.",
    "dev.questions_caption": "{area}: score pr. spørgsmål og år",
    "dev.dot_legend": "”·” betyder, at spørgsmålet ikke var med i spørgerammen det år.",
    "kl.year": "Runde",
    "kl.preliminary_short": "foreløbig",
    "kl.none": "Der er endnu ingen tal for en runde.",
    "kl.participation": "Deltagelse",
    "kl.participation_caption": "Hvor mange kommuner der har svaret i {year}, og hvor mange der "
    "har svaret på alt",
    "kl.group": "Gruppe",
    "kl.members": "Kommuner i gruppen",
    "kl.participants": "Har svaret",
    "kl.complete": "Har svaret på alt",
    "kl.completeness": "Besvarelsesgrad blandt deltagerne: median {median} (midterste halvdel "
    "{q1} til {q3}).",
    "kl.national_heading": "Landsbilledet",
    "kl.national_caption": "Hele landet pr. indsatsområde {year}",
    "kl.chart_title": "Landets modenhed pr. indsatsområde {year}",
    "kl.chart_desc": "For det samlede indeks og hvert indsatsområde vises den midterste halvdel "
    "af kommunerne som en kasse og medianen som en streg på skalaen 1 til 5. Den stiplede linje "
    "er det acceptable niveau 3.",
    "kl.priorities": "Hvor der er mest brug for en fælles indsats",
    "kl.priorities_intro": "Indsatsområder og spørgsmål med den største andel af kommuner under "
    "det acceptable niveau 3 står øverst; ved lige andel står det laveste median først.",
    "kl.priority_areas": "Indsatsområder efter andel under niveau 3",
    "kl.priority_questions": "De {count} spørgsmål med størst andel under niveau 3",
    "kl.share_below": "Andel under niveau 3",
    "kl.groups_heading": "Regioner og kommunestørrelser",
    "kl.groups_intro": "Tallene for hver region og hver størrelsesgruppe. Grupperne er faste; et "
    "tal, der kunne afsløre en enkelt kommune, vises ikke.",
    "kl.groups_caption": "{what} {year} pr. gruppe",
    "kl.dev.title": "Udvikling over årene",
    "kl.dev.intro": "Alle deltagere år for år, og for hvert par af år de kommuner, der deltog i "
    "begge år (panelet). Panelet viser den egentlige udvikling, fordi kommuner, der kommer til "
    "eller falder fra, ellers flytter tallene.",
    "kl.dev.link": "Se udviklingen over årene",
    "kl.dev.back": "Tilbage til landsbilledet",
    "kl.dev.none": "Der er endnu ingen lukkede runder.",
    "kl.dev.participation_caption": "Deltagelse i de lukkede runder",
    "kl.dev.completeness_median": "Median besvarelsesgrad",
    "kl.dev.all_median": "Median, alle deltagere",
    "kl.dev.all_mean": "Gennemsnit, alle deltagere",
    "kl.dev.chart_desc": "Landets median for {what} år for år som en fuldt optrukket linje, "
    "gennemsnittet som en stiplet linje og den midterste halvdel som et skraveret bånd, på "
    "skalaen 1 til 5. Prikkede lodrette linjer viser, hvor spørgerammen blev ændret.",
    "kl.dev.all_caption": "{what}: alle deltagere år for år",
    "kl.dev.panel_caption": "{what}: kommuner, der deltog i begge år",
    "kl.dev.panel_n": "Kommuner i panelet",
    "kl.dev.panel_median": "Median før → efter",
    "kl.dev.panel_mean": "Gennemsnit før → efter",
    "kl.dev.mean_withheld": "ikke vist",
    "kl.dev.panel_note": "Når kun få kommuner er kommet til eller faldet fra, ville panelets "
    "gennemsnit sammen med alle deltageres afsløre netop dem. Så vises kun median og kvartiler, "
    "og ændringen er medianens.",
    "kl.dev.change": "Ændring",
}

EN: dict[str, str] = {
    "nav.development": "Development",
    "nav.benchmark": "Comparison",
    "nav.kl_development": "Development over the years",
    "bm.title": "Comparison with other municipalities {year}",
    "bm.intro": "Here you see your maturity beside the figures for all of Denmark, your region "
    "and municipalities of your size. The figures are anonymous: a figure is shown only when it "
    "is built from at least 5 other municipalities, and you never see other municipalities' "
    "names, answers or a ranking.",
    "bm.none_yet": "There is no comparison for this round yet. It is computed as municipalities "
    "answer, and finally when the round closes.",
    "bm.preliminary": "Preliminary figures: the round is open, so the figures change as "
    "municipalities answer. They are rounded coarsely, and the number of municipalities is shown "
    "as a minimum.",
    "bm.compare_with": "Compare with",
    "bm.group.all": "All of Denmark",
    "bm.group.region": "Region {name}",
    "bm.size.small": "Municipalities under 30,000 inhabitants",
    "bm.size.medium": "Municipalities with 30,000-50,000 inhabitants",
    "bm.size.large": "Municipalities with 50,000-100,000 inhabitants",
    "bm.size.largest": "Municipalities over 100,000 inhabitants",
    "bm.band.lowest": "Lowest quarter",
    "bm.band.lower_middle": "Second quarter",
    "bm.band.upper_middle": "Third quarter",
    "bm.band.highest": "Highest quarter",
    "bm.position_heading": "Your position: {group}",
    "bm.own_overall": "Your overall maturity index",
    "bm.group_median": "The group's median",
    "bm.position": "Position",
    "bm.participants": "Built from",
    "bm.participants_of": "{participants} of {members} municipalities",
    "bm.not_participated": "Your municipality has not answered in this round, so there are no "
    "own figures to compare.",
    "bm.own": "Yours",
    "bm.median": "Median",
    "bm.quartiles": "Middle half",
    "bm.mean": "Mean",
    "bm.share_acceptable": "Share at level 3 or above",
    "bm.n": "Municipalities",
    "bm.withheld": "Not shown",
    "bm.withheld_note": "“Not shown”: the figure would rest on too few municipalities, on "
    "municipalities that all answered alike, or together with the other figures it could reveal "
    "a single municipality. So it is not shown.",
    "bm.areas_caption": "Your maturity per focus area compared with {group}",
    "bm.question": "Question",
    "bm.questions_heading": "Question by question",
    "bm.questions_intro": "Open a focus area to see your score on each question beside the "
    "figures for {group}.",
    "bm.questions_caption": "{area}: your score per question compared with {group}",
    "bm.chart.own": "Your value",
    "bm.chart.median": "Median",
    "bm.chart.quartiles": "Middle half of the municipalities",
    "bm.chart.acceptable": "Acceptable level (3)",
    "bm.chart.withheld": "not shown",
    "bm.chart.caption": "The shaded box is the middle half of the municipalities, the line the "
    "median and the diamond your value. The figures are in the table.",
    "bm.chart.areas_title": "Maturity per focus area {year} compared with {group}",
    "bm.chart.areas_desc": "For each focus area and the overall index, the middle half of the "
    "municipalities in the group {group} is shown as a box, the median as a line and your own "
    "value as a diamond on the scale 1 to 5. The dashed line is the acceptable level 3.",
    "bm.unit.heading": "A unit compared with the rest of the organisation",
    "bm.unit.intro": "Choose a unit to see its maturity beside the mean of the municipality's "
    "other units.",
    "bm.unit.no_scores": "There are no scores for the unit in this round.",
    "bm.unit.rest": "Rest of the organisation",
    "bm.unit.difference": "Difference",
    "bm.unit.rest_units": "Other units",
    "bm.unit.caption": "{unit} compared with the rest of the organisation",
    "bm.unit.chart_title": "{unit} compared with the rest of the organisation {year}",
    "bm.unit.chart_desc": "Two bars per focus area: {unit} and the mean of the municipality's "
    "other units, on the scale 1 to 5. The dashed line is the acceptable level 3.",
    "dev.title": "Your development over the years",
    "dev.intro": "The maturity in every round you answered, with the national median and middle "
    "half for comparison. Questions are followed from year to year by their fixed key.",
    "dev.none": "There are no rounds with answers yet.",
    "dev.benchmark_down": "The national figures cannot be fetched right now. Your own figures "
    "are shown as usual.",
    "dev.share_explained": "The questionnaire changes a little every year. Where the questions "
    "behind a figure changed, the share of shared questions is shown at the year (e.g. “86 % "
    "same”). A change in the figure may then come from new questions, not only from better "
    "security.",
    "dev.note_share": "{share} same",
    "dev.national_median": "National median",
    "dev.national_quartiles": "National middle half",
    "dev.chart_title": "Development: {what}",
    "dev.chart_desc": "Your score for {what} year by year as a solid line, the national median "
    "as a dashed line and the national middle half as a shaded band, on the scale 1 to 5. Dotted "
    "vertical lines show where the questionnaire changed.",
    "dev.year": "Year",
    "dev.comparable": "Shared questions",
    "dev.overall_caption": "Overall maturity index year by year",
    "dev.areas_heading": "Focus areas",
    "dev.area_caption": "{area} year by year",
    "dev.not_in_questionnaire": "not in the questionnaire",
    "dev.changes_heading": "Changes to the questionnaire",
    "dev.changes_caption": "What changed from year to year",
    "dev.step": "From-to",
    "dev.added": "New questions",
    "dev.removed": "Removed questions",
    "dev.reworded": "Reworded questions",
    "dev.units_heading": "The units year by year",
    "dev.units_caption": "Overall maturity index per unit and year",
    "dev.unit_areas": "{unit}: focus areas year by year",
    "dev.questions_heading": "The questions year by year",
    "dev.questions_intro": "Open a focus area to see your score on each question in the years "
    "the question was asked.",
    "dev.questions_caption": "{area}: score per question and year",
    "dev.dot_legend": "“·” means the question was not in that year's questionnaire.",
    "kl.year": "Round",
    "kl.preliminary_short": "preliminary",
    "kl.none": "There are no figures for a round yet.",
    "kl.participation": "Participation",
    "kl.participation_caption": "How many municipalities answered in {year}, and how many "
    "answered everything",
    "kl.group": "Group",
    "kl.members": "Municipalities in the group",
    "kl.participants": "Answered",
    "kl.complete": "Answered everything",
    "kl.completeness": "Completeness among the participants: median {median} (middle half {q1} "
    "to {q3}).",
    "kl.national_heading": "The national picture",
    "kl.national_caption": "All of Denmark per focus area {year}",
    "kl.chart_title": "National maturity per focus area {year}",
    "kl.chart_desc": "For the overall index and each focus area, the middle half of the "
    "municipalities is shown as a box and the median as a line on the scale 1 to 5. The dashed "
    "line is the acceptable level 3.",
    "kl.priorities": "Where common action is most needed",
    "kl.priorities_intro": "Focus areas and questions with the largest share of municipalities "
    "below the acceptable level 3 come first; at equal shares, the lowest median first.",
    "kl.priority_areas": "Focus areas by share below level 3",
    "kl.priority_questions": "The {count} questions with the largest share below level 3",
    "kl.share_below": "Share below level 3",
    "kl.groups_heading": "Regions and municipality sizes",
    "kl.groups_intro": "The figures for each region and each size group. The groups are fixed; a "
    "figure that could reveal a single municipality is not shown.",
    "kl.groups_caption": "{what} {year} per group",
    "kl.dev.title": "Development over the years",
    "kl.dev.intro": "All participants year by year, and for each pair of years the "
    "municipalities that took part in both (the panel). The panel shows the real development, "
    "because municipalities joining or dropping out move the figures otherwise.",
    "kl.dev.link": "See the development over the years",
    "kl.dev.back": "Back to the national picture",
    "kl.dev.none": "There are no closed rounds yet.",
    "kl.dev.participation_caption": "Participation in the closed rounds",
    "kl.dev.completeness_median": "Median completeness",
    "kl.dev.all_median": "Median, all participants",
    "kl.dev.all_mean": "Mean, all participants",
    "kl.dev.chart_desc": "The national median of {what} year by year as a solid line, the mean "
    "as a dashed line and the middle half as a shaded band, on the scale 1 to 5. Dotted vertical "
    "lines show where the questionnaire changed.",
    "kl.dev.all_caption": "{what}: all participants year by year",
    "kl.dev.panel_caption": "{what}: municipalities that took part in both years",
    "kl.dev.panel_n": "Municipalities in the panel",
    "kl.dev.panel_median": "Median before → after",
    "kl.dev.panel_mean": "Mean before → after",
    "kl.dev.mean_withheld": "not shown",
    "kl.dev.panel_note": "When only a few municipalities joined or dropped out, the panel's mean "
    "together with all participants' would reveal exactly those. Then only the median and "
    "quartiles are shown, and the change is the median's.",
    "kl.dev.change": "Change",
}
