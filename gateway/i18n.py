"""Every text of the user interface, Danish first, English second, and how values are shown.

Templates call ``_('key', name=...)``; Python code calls ``t('key', ...)``. Both catalogs have
the same keys (a test checks it). Questionnaire texts come as ``{"da": ..., "en": ...}`` and are
shown with the ``loc`` filter.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request, session
from jinja2 import Undefined

from gateway import benchmark_texts, delegation_texts, report_texts
from services.common.localtime import LOCAL_TIME

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
LANGUAGE_COOKIE = "sprog"

DA: dict[str, str] = {
    "app.name": "Sikkerhedsbaseline",
    "footer.text": "Sikkerhedsbaseline for kommunerne · spørgsmål om platformen: kontakt KL",
    "nav.skip": "Gå til indhold",
    "nav.label": "Hovedmenu",
    "nav.dashboard": "Overblik",
    "nav.answer": "Besvarelse",
    "nav.scores": "Resultater",
    "nav.units": "Organisatoriske enheder",
    "nav.kl": "KL",
    "nav.logout": "Log ud",
    "municipality.code": "Kommunekode {code}",
    "role.coordinator": "koordinator",
    "role.unit_lead": "enhedsleder",
    "role.respondent": "besvarer",
    "role.kl_analyst": "KL-analytiker",
    "role.admin": "administrator",
    "role.delegate": "delegeret besvarer",
    "role.system": "systemet",
    "round.state.draft": "Kladde",
    "round.state.open": "Åben",
    "round.state.closed": "Lukket",
    "service.survey": "Spørgerammer, enheder og besvarelser",
    "service.scoring": "Beregning af modenhed og scorer",
    "service.delegation": "Uddelegering af spørgsmål",
    "service.benchmark": "Sammenligning med andre kommuner",
    "service.reporting": "Rapporter",
    "login.title": "Log ind",
    "login.intro": "Vælg din kommune, og log ind med din e-mailadresse og adgangskode.",
    "login.municipality": "Kommune",
    "login.choose_municipality": "Vælg kommune",
    "login.kl_option": "KL / administration",
    "login.municipality_code": "Kommunekode",
    "login.municipality_code_hint": "Listen over kommuner kan ikke hentes lige nu. Skriv jeres "
    "kommunekode (fx 101 for København), eller skriv kl, hvis du er fra KL.",
    "login.survey_down": "Listen over kommuner kan ikke hentes lige nu. Du kan stadig logge ind "
    "med jeres kommunekode.",
    "login.email": "E-mailadresse",
    "login.password": "Adgangskode",
    "login.submit": "Log ind",
    "login.failed": "Kommune, e-mailadresse eller adgangskode er forkert. Prøv igen.",
    "login.throttled": "Der har været for mange forkerte forsøg på at logge ind. Af hensyn til "
    "sikkerheden kan du først prøve igen om 15 minutter.",
    "login.welcome": "Velkommen, {name}.",
    "logout.done": "Du er logget ud.",
    "csrf.failed": "Formularen kunne ikke sendes, fordi den er udløbet eller ugyldig. Gå "
    "tilbage, genindlæs siden og prøv igen.",
    "input.unstorable": "Et felt indeholder et tegn, der ikke kan gemmes (NUL). Fjern det og "
    "prøv igen.",
    "error.back": "Til forsiden",
    "error.400.title": "Forkert forespørgsel",
    "error.400.text": "Forespørgslen kunne ikke behandles.",
    "error.401.title": "Log ind først",
    "error.401.text": "Du skal være logget ind for at se denne side.",
    "error.403.title": "Ingen adgang",
    "error.403.text": "Du har ikke adgang til denne side eller handling med din rolle.",
    "error.404.title": "Siden findes ikke",
    "error.404.text": "Siden eller oplysningen findes ikke, eller du har ikke adgang til den.",
    "error.405.title": "Ikke tilladt",
    "error.405.text": "Handlingen er ikke tilladt her.",
    "error.409.title": "Det kan ikke lade sig gøre",
    "error.409.text": "Handlingen kan ikke udføres i den nuværende situation.",
    "error.413": "Det, du har sendt, er for stort. Del det op i mindre dele.",
    "error.413.title": "For stor forespørgsel",
    "error.413.text": "Det, du har sendt, er for stort.",
    "error.415.title": "Forkert format",
    "error.415.text": "Formatet understøttes ikke.",
    "error.422.title": "Oplysningerne er ikke gyldige",
    "error.422.text": "Tjek oplysningerne og prøv igen.",
    "error.429.title": "For mange forsøg",
    "error.429.text": "Vent lidt, og prøv igen.",
    "error.500.title": "Der opstod en fejl",
    "error.500.text": "Der skete en uventet fejl hos os. Fejlen er registreret. Prøv igen om lidt.",
    "error.503.title": "En del af platformen svarer ikke lige nu",
    "error.503.text": "Denne del af platformen er midlertidigt utilgængelig:",
    "error.503.retry": "Dine data er ikke væk. Prøv igen om et par minutter.",
    "dashboard.title": "Overblik",
    "dashboard.no_round": "Der er ingen åben eller tidligere runde endnu.",
    "dashboard.round": "Runde {year}",
    "dashboard.round_open_text": "Runden er åben: I kan besvare og rette spørgsmålene.",
    "dashboard.round_closed_text": "Runden er lukket. Besvarelsen kan ses, men ikke ændres.",
    "dashboard.completion": "Besvaret: {answered} af {expected} forventede svar",
    "dashboard.maturity": "Modenhed",
    "dashboard.overall": "Samlet modenhedsindeks",
    "dashboard.scoring_down": "Scorerne kan ikke hentes lige nu. Besvarelsen virker som normalt.",
    "dashboard.no_scores": "Der er endnu ingen scorer. De beregnes, når de første svar er gemt.",
    "dashboard.areas_caption": "Modenhed og fremdrift pr. indsatsområde",
    "dashboard.actions": "Handlinger",
    "dashboard.answer_area": "Besvar",
    "dashboard.see_scores": "Se alle resultater og anbefalinger",
    "dashboard.units": "Besvar for en enhed",
    "dashboard.no_units": "Der er ingen organisatoriske enheder endnu.",
    "dashboard.create_units": "Opret enheder",
    "dashboard.earlier": "Tidligere runder",
    "dashboard.see_answers": "Besvarelse",
    "area.label": "Indsatsområde",
    "progress.label": "Fremdrift",
    "progress.count": "{answered} af {expected} besvaret",
    "progress.done": "Færdig",
    "scores.title": "Resultater {year}",
    "scores.intro": "Modenhed måles fra 1 til 5. Niveau {acceptable} er det acceptable niveau.",
    "scores.scale": "(skala 1-5, acceptabelt niveau {acceptable})",
    "scores.municipality": "Kommunen samlet",
    "scores.score": "Modenhed",
    "scores.bar": "Niveau",
    "scores.bar_label": "Modenhed {score} af 5; acceptabelt niveau {acceptable}",
    "scores.below_short": "under acceptabelt niveau",
    "scores.completeness": "Besvaret",
    "scores.acceptable_level": "Acceptabelt niveau (3)",
    "scores.acceptable_legend": "Den stiplede linje viser det acceptable niveau ({acceptable}).",
    "scores.areas_caption": "Modenhed pr. indsatsområde",
    "scores.units": "Enheder",
    "scores.units_caption": "Modenhed pr. enhed og indsatsområde",
    "scores.updated": "Senest beregnet",
    "scores.recommendations": "Anbefalinger",
    "scores.recommendations_intro": "Spørgsmål under det acceptable niveau ({acceptable}), de "
    "vigtigste først.",
    "scores.no_recommendations": "Ingen spørgsmål ligger under det acceptable niveau.",
    "scores.gap": "{gap} under acceptabelt niveau",
    "unit.label": "Enhed",
    "unit.name": "Navn",
    "unit.kind": "Type",
    "unit.kind.forvaltning": "Forvaltning",
    "unit.kind.afdeling": "Afdeling",
    "unit.kind_hint": "En forvaltning ligger øverst. En afdeling ligger under en forvaltning.",
    "unit.parent": "Hører under (forvaltning)",
    "unit.no_parent": "Ingen – øverste niveau",
    "unit.responsible": "Ansvarlig",
    "unit.responsible_name": "Ansvarlig (navn)",
    "unit.responsible_email": "Ansvarlig (e-mailadresse)",
    "unit.error.name": "Skriv et navn på højst 120 tegn, som ikke allerede bruges på samme niveau.",
    "unit.error.kind": "Vælg forvaltning eller afdeling.",
    "unit.error.parent_id": "En afdeling skal ligge under en forvaltning. En forvaltning ligger "
    "øverst og hører ikke under noget.",
    "unit.error.responsible_name": "Navnet på den ansvarlige må højst være 120 tegn.",
    "unit.error.responsible_email": "Skriv en gyldig e-mailadresse, fx navn@kommune.dk.",
    "unit.error.other": "Enheden kunne ikke gemmes. Tjek oplysningerne og prøv igen.",
    "units.title": "Organisatoriske enheder",
    "units.intro": "Kommunens forvaltninger og afdelinger. Hver enhed besvarer de spørgsmål, der "
    "gælder for enhederne.",
    "units.empty": "Der er ingen enheder endnu.",
    "units.create": "Opret enhed",
    "units.create_submit": "Opret enhed",
    "units.only_coordinator": "Kun kommunens koordinator kan oprette og ændre enheder.",
    "units.edit": "Ret",
    "units.edit_title": "Ret enheden {name}",
    "units.save": "Gem",
    "units.back": "Tilbage til enhederne",
    "units.delete": "Slet",
    "units.delete_title": "Slet enheden {name}",
    "units.delete_confirm": "Er du sikker på, at du vil slette {name}? Det kan ikke fortrydes.",
    "units.delete_submit": "Ja, slet enheden",
    "units.cancel": "Fortryd",
    "units.delete_conflict": "Enheden kan ikke slettes, fordi der er registreret svar for den, "
    "eller fordi der ligger afdelinger under den. Flyt eller slet afdelingerne først. Enheder "
    "med svar bevares, så besvarelsen kan følges over årene.",
    "units.created": "Enheden {name} er oprettet.",
    "units.saved": "Enheden {name} er gemt.",
    "units.deleted": "Enheden {name} er slettet.",
    "answer.title": "Besvarelse {year}",
    "answer.choose_unit": "Besvar for",
    "answer.whole_municipality": "Kommunen samlet",
    "answer.show": "Vis",
    "answer.areas_nav": "Indsatsområder",
    "answer.no_questions": "Der er ingen spørgsmål i dette indsatsområde for det valgte niveau. "
    "Vælg en enhed eller \u201dKommunen samlet\u201d.",
    "answer.no_questions_short": "ingen spørgsmål her",
    "answer.readonly_closed": "Runden er ikke åben, så besvarelsen kan kun ses.",
    "answer.readonly_role": "Du kan se besvarelsen, men ikke ændre den for denne enhed.",
    "answer.errors_heading": "Ret disse spørgsmål, før der kan gemmes:",
    "answer.fix_errors": "Intet er gemt endnu. Ret de markerede spørgsmål og tryk Gem igen – "
    "det, du har skrevet, er bevaret.",
    "answer.conflict": "Svarene kunne ikke gemmes, fordi runden ikke længere er åben. Det, du "
    "har skrevet, står stadig i formularen.",
    "answer.unavailable": "Svarene kunne ikke gemmes, fordi besvarelsesdelen af platformen ikke "
    "svarer lige nu. Det, du har skrevet, står stadig i formularen. Prøv at gemme igen om lidt.",
    "answer.saved": "Gemt: {count} svar.",
    "answer.nothing_changed": "Der var ingen ændringer at gemme.",
    "answer.acceptable_tag": "acceptabelt niveau",
    "answer.save": "Gem",
    "answer.save_continue": "Gem og fortsæt",
    "answer.help": "Hjælp til spørgsmålet",
    "answer.answer": "Svar",
    "answer.maturity_level": "Modenhedsniveau",
    "answer.level": "Niveau {level}",
    "answer.ypn.yes": "Ja",
    "answer.ypn.partly": "Delvist",
    "answer.ypn.no": "Nej",
    "answer.choose_one": "Vælg ét svar",
    "answer.choose_many": "Vælg alle, der passer",
    "answer.none_of_these": "Ingen af mulighederne",
    "answer.number": "Tal",
    "answer.text": "Svar",
    "answer.na": "Ikke relevant",
    "answer.justification": "Begrundelse",
    "answer.justification_hint": "Skal udfyldes, når spørgsmålet ikke er relevant for jer.",
    "answer.justification_short": "Begrundelse",
    "answer.comment": "Kommentar (valgfri)",
    "answer.comment_short": "Kommentar",
    "answer.unanswered": "Ikke besvaret",
    "answer.saved_value": "Gemt svar",
    "answer.saved_by": "gemt af {name} {when}",
    "answer.history_link": "Se ændringer",
    "answer.copied_draft": "Svaret er kopieret fra sidste år. Tjek det, og tryk Gem for at "
    "bekræfte det.",
    "answer.error.value": "Svaret er ikke gyldigt for dette spørgsmål.",
    "answer.error.na": "Dette spørgsmål kan ikke markeres som ikke relevant.",
    "answer.error.justification": "Skriv en begrundelse (højst 2000 tegn), når spørgsmålet "
    "ikke er relevant.",
    "answer.error.justification_needed": "Skriv en begrundelse, når spørgsmålet ikke er relevant.",
    "answer.error.comment": "Kommentaren må højst være 2000 tegn.",
    "answer.error.other": "Svaret kunne ikke gemmes. Tjek det og prøv igen.",
    "answer.error.batch": "Svarene kunne ikke gemmes. Tjek dem og prøv igen.",
    "answer.error.invalid_choice": "Vælg en af mulighederne.",
    "answer.error.not_a_number": "Skriv et tal, fx 12 eller 2,5.",
    "answer.error.number_range": "Tallet skal være 0 eller større.",
    "answer.error.text_too_long": "Svaret må højst være 5000 tegn.",
    "answer.error.note_too_long": "Teksten må højst være 2000 tegn.",
    "history.title": "Ændringer af svaret",
    "history.back": "Tilbage til besvarelsen",
    "history.when": "Tidspunkt",
    "history.who": "Ændret af",
    "history.old": "Før",
    "history.new": "Efter",
    "history.empty": "Svaret er ikke ændret endnu.",
    "kl.title": "KL og administration",
    "kl.text": "Tal for alle kommuner samlet: hele landet, regionerne og kommunestørrelserne.",
    "kl.no_municipality_data": "Som KL-bruger eller administrator ser du ikke den enkelte "
    "kommunes besvarelse eller resultater.",
    "time.at": "{date} kl. {time}",
    "nav.admin": "Runder og spørgerammer",
    "admin.title": "Runder og spørgerammer",
    "admin.intro": "Her importeres årets spørgeramme, og runden oprettes, åbnes "
    "og lukkes. Kommunerne kan besvare, når runden er åben. En "
    "lukket runde kan ikke ændres.",
    "admin.rounds": "Runder",
    "admin.rounds.empty": "Der er ingen runder endnu. Importér en spørgeramme, og opret"
    " runden for året.",
    "admin.col.year": "År",
    "admin.col.state": "Status",
    "admin.col.version": "Version",
    "admin.col.action": "Handling",
    "admin.round.open": "Åbn runden",
    "admin.round.close": "Luk runden …",
    "admin.round.read_only": "Skrivebeskyttet",
    "admin.round.create_label": "Opret runde for år",
    "admin.round.create": "Opret runde",
    "admin.round.year_missing": "Vælg det år, runden skal oprettes for.",
    "admin.round.created": "Runden {year} er oprettet som kladde.",
    "admin.round.opened": "Runden {year} er åben: kommunerne kan nu besvare.",
    "admin.round.closed": "Runden {year} er lukket og kan ikke længere ændres.",
    "admin.round.unknown": "Der er ingen runde for {year}.",
    "admin.questionnaires": "Spørgerammer",
    "admin.questionnaire.counts": "{areas} indsatsområder, {questions} spørgsmål, heraf "
    "{unit_questions} pr. enhed",
    "admin.import.label": "Importér spørgeramme (YAML-fil)",
    "admin.import.hint": "En fil pr. år. Findes årets spørgeramme, erstattes den, så "
    "længe runden ikke er åbnet.",
    "admin.import.submit": "Importér",
    "admin.import.missing": "Vælg en spørgerammefil.",
    "admin.import.too_big": "Filen er for stor (højst 512 KB).",
    "admin.import.not_utf8": "Filen skal være gemt som UTF-8.",
    "admin.import.refused": "Spørgerammen blev ikke importeret: {problem}",
    "admin.import.done": "Spørgerammen for {year} (version {version}) er importeret.",
    "admin.close.title": "Luk runden {year}",
    "admin.close.warning": "Når runden {year} lukkes, kan ingen kommune længere ændre "
    "sine svar for {year}. Det kan ikke fortrydes.",
    "admin.close.confirm": "Ja, luk runden {year}",
    "admin.close.cancel": "Fortryd",
}

EN: dict[str, str] = {
    "app.name": "Security baseline",
    "footer.text": "Security baseline for Danish municipalities · questions about the platform: "
    "contact KL",
    "nav.skip": "Skip to content",
    "nav.label": "Main menu",
    "nav.dashboard": "Overview",
    "nav.answer": "Answers",
    "nav.scores": "Results",
    "nav.units": "Organisational units",
    "nav.kl": "KL",
    "nav.logout": "Log out",
    "municipality.code": "Municipality code {code}",
    "role.coordinator": "coordinator",
    "role.unit_lead": "unit lead",
    "role.respondent": "respondent",
    "role.kl_analyst": "KL analyst",
    "role.admin": "administrator",
    "role.delegate": "delegate",
    "role.system": "the system",
    "round.state.draft": "Draft",
    "round.state.open": "Open",
    "round.state.closed": "Closed",
    "service.survey": "Questionnaires, units and answers",
    "service.scoring": "Maturity scores",
    "service.delegation": "Delegation of questions",
    "service.benchmark": "Comparison with other municipalities",
    "service.reporting": "Reports",
    "login.title": "Log in",
    "login.intro": "Choose your municipality and log in with your e-mail address and password.",
    "login.municipality": "Municipality",
    "login.choose_municipality": "Choose municipality",
    "login.kl_option": "KL / administration",
    "login.municipality_code": "Municipality code",
    "login.municipality_code_hint": "The list of municipalities cannot be loaded right now. "
    "Enter your municipality code (e.g. 101 for Copenhagen), or kl if you are from KL.",
    "login.survey_down": "The list of municipalities cannot be loaded right now. You can still "
    "log in with your municipality code.",
    "login.email": "E-mail address",
    "login.password": "Password",
    "login.submit": "Log in",
    "login.failed": "Municipality, e-mail address or password is wrong. Please try again.",
    "login.throttled": "There have been too many failed login attempts. For security, you can "
    "try again in 15 minutes.",
    "login.welcome": "Welcome, {name}.",
    "logout.done": "You are logged out.",
    "csrf.failed": "The form could not be sent because it has expired or is invalid. Go back, "
    "reload the page and try again.",
    "input.unstorable": "A field contains a character that cannot be stored (NUL). Remove it "
    "and try again.",
    "error.back": "To the front page",
    "error.400.title": "Bad request",
    "error.400.text": "The request could not be processed.",
    "error.401.title": "Please log in",
    "error.401.text": "You must be logged in to see this page.",
    "error.403.title": "No access",
    "error.403.text": "Your role does not give access to this page or action.",
    "error.404.title": "Page not found",
    "error.404.text": "The page or item does not exist, or you do not have access to it.",
    "error.405.title": "Not allowed",
    "error.405.text": "This action is not allowed here.",
    "error.409.title": "That is not possible",
    "error.409.text": "The action cannot be carried out in the current situation.",
    "error.413": "What you sent is too large. Please split it into smaller parts.",
    "error.413.title": "Request too large",
    "error.413.text": "What you sent is too large.",
    "error.415.title": "Wrong format",
    "error.415.text": "The format is not supported.",
    "error.422.title": "The information is not valid",
    "error.422.text": "Check the information and try again.",
    "error.429.title": "Too many attempts",
    "error.429.text": "Please wait a little and try again.",
    "error.500.title": "Something went wrong",
    "error.500.text": "An unexpected error happened on our side. It has been logged. Please try "
    "again shortly.",
    "error.503.title": "Part of the platform is not responding right now",
    "error.503.text": "This part of the platform is temporarily unavailable:",
    "error.503.retry": "Your data is safe. Please try again in a few minutes.",
    "dashboard.title": "Overview",
    "dashboard.no_round": "There is no open or earlier round yet.",
    "dashboard.round": "Round {year}",
    "dashboard.round_open_text": "The round is open: you can answer and change the questions.",
    "dashboard.round_closed_text": "The round is closed. The answers can be seen but not changed.",
    "dashboard.completion": "Answered: {answered} of {expected} expected answers",
    "dashboard.maturity": "Maturity",
    "dashboard.overall": "Overall maturity index",
    "dashboard.scoring_down": "Scores cannot be loaded right now. Answering works as usual.",
    "dashboard.no_scores": "There are no scores yet. They are calculated when the first answers "
    "are saved.",
    "dashboard.areas_caption": "Maturity and progress per focus area",
    "dashboard.actions": "Actions",
    "dashboard.answer_area": "Answer",
    "dashboard.see_scores": "See all results and recommendations",
    "dashboard.units": "Answer for a unit",
    "dashboard.no_units": "There are no organisational units yet.",
    "dashboard.create_units": "Create units",
    "dashboard.earlier": "Earlier rounds",
    "dashboard.see_answers": "Answers",
    "area.label": "Focus area",
    "progress.label": "Progress",
    "progress.count": "{answered} of {expected} answered",
    "progress.done": "Done",
    "scores.title": "Results {year}",
    "scores.intro": "Maturity is measured from 1 to 5. Level {acceptable} is the acceptable level.",
    "scores.scale": "(scale 1-5, acceptable level {acceptable})",
    "scores.municipality": "The municipality as a whole",
    "scores.score": "Maturity",
    "scores.bar": "Level",
    "scores.bar_label": "Maturity {score} of 5; acceptable level {acceptable}",
    "scores.below_short": "below acceptable level",
    "scores.completeness": "Answered",
    "scores.acceptable_level": "Acceptable level (3)",
    "scores.acceptable_legend": "The dashed line shows the acceptable level ({acceptable}).",
    "scores.areas_caption": "Maturity per focus area",
    "scores.units": "Units",
    "scores.units_caption": "Maturity per unit and focus area",
    "scores.updated": "Last calculated",
    "scores.recommendations": "Recommendations",
    "scores.recommendations_intro": "Questions below the acceptable level ({acceptable}), most "
    "important first.",
    "scores.no_recommendations": "No questions are below the acceptable level.",
    "scores.gap": "{gap} below the acceptable level",
    "unit.label": "Unit",
    "unit.name": "Name",
    "unit.kind": "Type",
    "unit.kind.forvaltning": "Administration (forvaltning)",
    "unit.kind.afdeling": "Department (afdeling)",
    "unit.kind_hint": "An administration is at the top. A department sits under an administration.",
    "unit.parent": "Belongs to (administration)",
    "unit.no_parent": "None – top level",
    "unit.responsible": "Responsible",
    "unit.responsible_name": "Responsible (name)",
    "unit.responsible_email": "Responsible (e-mail address)",
    "unit.error.name": "Enter a name of at most 120 characters that is not already used at the "
    "same level.",
    "unit.error.kind": "Choose administration or department.",
    "unit.error.parent_id": "A department must sit under an administration. An administration is "
    "at the top and belongs to nothing.",
    "unit.error.responsible_name": "The name of the responsible person can be at most 120 "
    "characters.",
    "unit.error.responsible_email": "Enter a valid e-mail address, e.g. name@kommune.dk.",
    "unit.error.other": "The unit could not be saved. Check the information and try again.",
    "units.title": "Organisational units",
    "units.intro": "The municipality's administrations and departments. Each unit answers the "
    "questions that apply to units.",
    "units.empty": "There are no units yet.",
    "units.create": "Create unit",
    "units.create_submit": "Create unit",
    "units.only_coordinator": "Only the municipality's coordinator can create and change units.",
    "units.edit": "Edit",
    "units.edit_title": "Edit the unit {name}",
    "units.save": "Save",
    "units.back": "Back to the units",
    "units.delete": "Delete",
    "units.delete_title": "Delete the unit {name}",
    "units.delete_confirm": "Are you sure you want to delete {name}? This cannot be undone.",
    "units.delete_submit": "Yes, delete the unit",
    "units.cancel": "Cancel",
    "units.delete_conflict": "The unit cannot be deleted because answers are registered for it, "
    "or because departments sit under it. Move or delete the departments first. Units with "
    "answers are kept so that the answers can be followed over the years.",
    "units.created": "The unit {name} has been created.",
    "units.saved": "The unit {name} has been saved.",
    "units.deleted": "The unit {name} has been deleted.",
    "answer.title": "Answers {year}",
    "answer.choose_unit": "Answer for",
    "answer.whole_municipality": "The municipality as a whole",
    "answer.show": "Show",
    "answer.areas_nav": "Focus areas",
    "answer.no_questions": "There are no questions in this focus area at the chosen level. "
    "Choose a unit or \u201cThe municipality as a whole\u201d.",
    "answer.no_questions_short": "no questions here",
    "answer.readonly_closed": "The round is not open, so the answers can only be seen.",
    "answer.readonly_role": "You can see the answers but not change them for this unit.",
    "answer.errors_heading": "Correct these questions before saving:",
    "answer.fix_errors": "Nothing has been saved yet. Correct the marked questions and press "
    "Save again – what you typed has been kept.",
    "answer.conflict": "The answers could not be saved because the round is no longer open. "
    "What you typed is still in the form.",
    "answer.unavailable": "The answers could not be saved because the answering part of the "
    "platform is not responding. What you typed is still in the form. Try saving again shortly.",
    "answer.saved": "Saved: {count} answers.",
    "answer.nothing_changed": "There were no changes to save.",
    "answer.acceptable_tag": "acceptable level",
    "answer.save": "Save",
    "answer.save_continue": "Save and continue",
    "answer.help": "Help with the question",
    "answer.answer": "Answer",
    "answer.maturity_level": "Maturity level",
    "answer.level": "Level {level}",
    "answer.ypn.yes": "Yes",
    "answer.ypn.partly": "Partly",
    "answer.ypn.no": "No",
    "answer.choose_one": "Choose one answer",
    "answer.choose_many": "Choose all that apply",
    "answer.none_of_these": "None of the options",
    "answer.number": "Number",
    "answer.text": "Answer",
    "answer.na": "Not applicable",
    "answer.justification": "Justification",
    "answer.justification_hint": "Required when the question does not apply to you.",
    "answer.justification_short": "Justification",
    "answer.comment": "Comment (optional)",
    "answer.comment_short": "Comment",
    "answer.unanswered": "Not answered",
    "answer.saved_value": "Saved answer",
    "answer.saved_by": "saved by {name} {when}",
    "answer.history_link": "See changes",
    "answer.copied_draft": "This answer was copied from last year. Check it and press Save to "
    "confirm it.",
    "answer.error.value": "The answer is not valid for this question.",
    "answer.error.na": "This question cannot be marked as not applicable.",
    "answer.error.justification": "Write a justification (at most 2000 characters) when the "
    "question does not apply.",
    "answer.error.justification_needed": "Write a justification when the question does not apply.",
    "answer.error.comment": "The comment can be at most 2000 characters.",
    "answer.error.other": "The answer could not be saved. Check it and try again.",
    "answer.error.batch": "The answers could not be saved. Check them and try again.",
    "answer.error.invalid_choice": "Choose one of the options.",
    "answer.error.not_a_number": "Enter a number, e.g. 12 or 2.5.",
    "answer.error.number_range": "The number must be 0 or more.",
    "answer.error.text_too_long": "The answer can be at most 5000 characters.",
    "answer.error.note_too_long": "The text can be at most 2000 characters.",
    "history.title": "Changes to the answer",
    "history.back": "Back to the answers",
    "history.when": "Time",
    "history.who": "Changed by",
    "history.old": "Before",
    "history.new": "After",
    "history.empty": "The answer has not been changed yet.",
    "kl.title": "KL and administration",
    "kl.text": "Figures for all municipalities together: all of Denmark, the regions and the "
    "municipality sizes.",
    "kl.no_municipality_data": "As a KL user or administrator you do not see a single "
    "municipality's answers or results.",
    "time.at": "{date} at {time}",
    "nav.admin": "Rounds and questionnaires",
    "admin.title": "Rounds and questionnaires",
    "admin.intro": "Import the year's questionnaire here, and create, open and "
    "close its round. Municipalities can answer while the round "
    "is open. A closed round cannot be changed.",
    "admin.rounds": "Rounds",
    "admin.rounds.empty": "There are no rounds yet. Import a questionnaire and create "
    "the round for its year.",
    "admin.col.year": "Year",
    "admin.col.state": "State",
    "admin.col.version": "Version",
    "admin.col.action": "Action",
    "admin.round.open": "Open the round",
    "admin.round.close": "Close the round …",
    "admin.round.read_only": "Read-only",
    "admin.round.create_label": "Create the round for year",
    "admin.round.create": "Create round",
    "admin.round.year_missing": "Choose the year to create the round for.",
    "admin.round.created": "The {year} round was created as a draft.",
    "admin.round.opened": "The {year} round is open: municipalities can answer now.",
    "admin.round.closed": "The {year} round is closed and can no longer change.",
    "admin.round.unknown": "There is no round for {year}.",
    "admin.questionnaires": "Questionnaires",
    "admin.questionnaire.counts": "{areas} focus areas, {questions} questions, {unit_questions}"
    " of them per unit",
    "admin.import.label": "Import a questionnaire (YAML file)",
    "admin.import.hint": "One file per year. An existing questionnaire of the year is "
    "replaced as long as its round has not opened.",
    "admin.import.submit": "Import",
    "admin.import.missing": "Choose a questionnaire file.",
    "admin.import.too_big": "The file is too large (512 KB at most).",
    "admin.import.not_utf8": "The file must be saved as UTF-8.",
    "admin.import.refused": "The questionnaire was not imported: {problem}",
    "admin.import.done": "The questionnaire for {year} (version {version}) was imported.",
    "admin.close.title": "Close the {year} round",
    "admin.close.warning": "Once the {year} round is closed, no municipality can change "
    "its {year} answers. This cannot be undone.",
    "admin.close.confirm": "Yes, close the {year} round",
    "admin.close.cancel": "Cancel",
}

DA.update(delegation_texts.DA)
EN.update(delegation_texts.EN)
DA.update(benchmark_texts.DA)
EN.update(benchmark_texts.EN)
DA.update(report_texts.DA)
EN.update(report_texts.EN)

CATALOGS = {"da": DA, "en": EN}


def current_language() -> str:
    if has_request_context():
        return g.get("lang", DEFAULT_LANGUAGE)
    return DEFAULT_LANGUAGE


def t(key: str, lang: str | None = None, **values: Any) -> str:
    """The text for ``key`` in the current language; Danish when a key is missing in English."""
    catalog = CATALOGS.get(lang or current_language(), DA)
    text = catalog.get(key) or DA.get(key) or key
    return text.format(**values) if values else text


def choose_language() -> None:
    """Session choice, then the cookie, then the user's saved preference, then Danish."""
    candidates = [session.get("lang"), request.cookies.get(LANGUAGE_COOKIE)]
    user = g.get("user")
    if user is not None:
        candidates.append(user.language)
    g.lang = next((c for c in candidates if c in LANGUAGES), DEFAULT_LANGUAGE)


def localized(value: Any) -> str:
    """A questionnaire text ``{"da", "en"}`` in the current language (Danish as fallback)."""
    if isinstance(value, dict):
        return value.get(current_language()) or value.get("da") or next(iter(value.values()), "")
    return "" if value is None else str(value)


def _decimal(text: str) -> str:
    return text.replace(".", ",") if current_language() == "da" else text


def _missing(value: Any) -> bool:
    return value is None or isinstance(value, Undefined)


def format_score(value: Any) -> str:
    """Scores with one decimal, Danish decimal comma; "–" when there is none."""
    if _missing(value):
        return "–"
    return _decimal(f"{float(value):.1f}")


def format_level(value: Any) -> str:
    """The acceptable level: "3", not "3,0"."""
    if not _missing(value) and float(value).is_integer():
        return str(int(value))
    return format_score(value)


def format_percent(value: Any) -> str:
    """Completeness 0..1 as a whole percentage."""
    if _missing(value):
        return "–"
    return f"{round(float(value) * 100)} %"


def format_ratio(pair: tuple[int, int]) -> str:
    answered, expected = pair
    return format_percent(answered / expected if expected else None)


def format_number(value: Any) -> str:
    if _missing(value):
        return ""
    if isinstance(value, float) and not value.is_integer():
        return _decimal(f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", "\u00a0"))
    return f"{int(value):,}".replace(",", "." if current_language() == "da" else ",")


def format_number_input(value: Any) -> str:
    """What goes back into a number field: as typed, or the saved number in local notation."""
    if _missing(value):
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer():
        text = str(int(value))
    else:
        text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return _decimal(text)


def format_datetime(value: Any) -> str:
    """ISO timestamps from the services (UTC) in Danish local time."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(LOCAL_TIME)
    date = local.strftime("%d.%m.%Y" if current_language() == "da" else "%d %b %Y")
    return t("time.at", date=date, time=local.strftime("%H:%M"))


def actor_name(value: Any) -> str:
    """The name of whoever did something, whether given as a name, an actor or a change."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("actor_name", "answered_by", "name"):
            if isinstance(value.get(key), str):
                return value[key]
        actor = value.get("actor")
        if isinstance(actor, dict | str):
            return actor_name(actor)
    return "–"


def init_app(app: Flask) -> None:
    app.before_request(choose_language)
    app.jinja_env.globals["_"] = t
    app.jinja_env.filters.update(
        loc=localized,
        score=format_score,
        level=format_level,
        percent=format_percent,
        ratio=format_ratio,
        number=format_number,
        number_input=format_number_input,
        datetime=format_datetime,
        actor_name=actor_name,
    )

    @app.context_processor
    def language_context() -> dict[str, Any]:
        return {"lang": current_language()}
