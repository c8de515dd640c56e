"""The texts of single sign-on (login button, refusals), Danish and English, merged into the
catalogs of ``gateway.i18n``."""

from __future__ import annotations

DA: dict[str, str] = {
    "sso.button": "Log ind med {provider}",
    "sso.intro": "{municipality} logger ind med sit eget login.",
    "sso.or_password": "Eller log ind med e-mailadresse og adgangskode:",
    "sso.password_off": "{municipality} logger ind med sit eget login, ikke med adgangskode her. "
    "Brug knappen \u201dLog ind med {provider}\u201d.",
    "sso.refused.title": "Du blev ikke logget ind",
    "sso.refused.back": "Tilbage til log ind",
    "sso.refused.contact": "Er du i tvivl, så kontakt jeres it-afdeling eller den, der "
    "administrerer adgangen til Sikkerhedsbaseline i {municipality}.",
    "sso.unknown": "Kommunekode {code} er ikke sat op til at logge ind med eget login. Log ind "
    "med e-mailadresse og adgangskode.",
    "sso.reason.state": "Login blev ikke genkendt: det blev startet i et andet vindue, taget om "
    "eller tog for lang tid. Start forfra fra siden \u201dLog ind\u201d.",
    "sso.reason.provider_error": "{provider} afviste login ({error}). Prøv igen, eller kontakt "
    "jeres it-afdeling.",
    "sso.reason.unreachable": "{provider} kan ikke nås lige nu. Prøv igen om lidt.",
    "sso.reason.token": "Svaret fra {provider} kunne ikke godkendes: signatur, udsteder eller "
    "engangskode passede ikke. Af sikkerhedshensyn er du ikke logget ind. Prøv igen; sker det "
    "igen, så kontakt jeres it-afdeling.",
    "sso.reason.issuer": "{provider} oplyser en anden udsteder end den, der er sat op for "
    "kommunen. Af sikkerhedshensyn er du ikke logget ind. Kontakt jeres it-afdeling.",
    "sso.reason.no_subject": "{provider} sendte ikke, hvem du er (sub). Kontakt jeres it-afdeling.",
    "sso.reason.other_municipality": "Dit login hos {provider} gælder for en anden kommune "
    "(kommunekode {claimed}) end {municipality}.",
    "sso.reason.no_email": "{provider} sendte ingen gyldig e-mailadresse for dig. Bed jeres "
    "it-afdeling om at give adgang til e-mailadressen.",
    "sso.reason.email_unverified": "{provider} oplyser, at din e-mailadresse ikke er bekræftet.",
    "sso.reason.email_domain": "E-mailadresser på @{domain} må ikke logge ind for {municipality}.",
    "sso.reason.no_role": "Du er kendt af {provider}, men du har ingen rolle i "
    "Sikkerhedsbaseline for {municipality}. Bed den, der administrerer jeres grupper, om at "
    "give dig rollen som koordinator, enhedsleder eller besvarer.",
    "sso.reason.email_taken": "Din e-mailadresse bruges allerede af en anden bruger i "
    "{municipality}. Kontakt jeres koordinator.",
    "sso.reason.inactive": "Din bruger i Sikkerhedsbaseline er deaktiveret. Kontakt jeres "
    "koordinator.",
}

EN: dict[str, str] = {
    "sso.button": "Log in with {provider}",
    "sso.intro": "{municipality} logs in with its own login.",
    "sso.or_password": "Or log in with e-mail address and password:",
    "sso.password_off": "{municipality} logs in with its own login, not with a password here. "
    "Use the button \u201cLog in with {provider}\u201d.",
    "sso.refused.title": "You were not logged in",
    "sso.refused.back": "Back to log in",
    "sso.refused.contact": "If in doubt, contact your IT department or whoever manages access "
    "to the security baseline in {municipality}.",
    "sso.unknown": "Municipality code {code} is not set up for its own login. Log in with "
    "e-mail address and password.",
    "sso.reason.state": "The login was not recognised: it was started in another window, "
    "repeated, or took too long. Start again from the \u201cLog in\u201d page.",
    "sso.reason.provider_error": "{provider} refused the login ({error}). Try again or contact "
    "your IT department.",
    "sso.reason.unreachable": "{provider} cannot be reached right now. Try again shortly.",
    "sso.reason.token": "The answer from {provider} could not be accepted: signature, issuer "
    "or one-time code did not match. For security you are not logged in. Try again; if it "
    "happens again, contact your IT department.",
    "sso.reason.issuer": "{provider} names another issuer than the one set up for the "
    "municipality. For security you are not logged in. Contact your IT department.",
    "sso.reason.no_subject": "{provider} did not say who you are (sub). Contact your IT "
    "department.",
    "sso.reason.other_municipality": "Your login at {provider} is for another municipality "
    "(code {claimed}) than {municipality}.",
    "sso.reason.no_email": "{provider} sent no valid e-mail address for you. Ask your IT "
    "department to release the e-mail address.",
    "sso.reason.email_unverified": "{provider} says your e-mail address is not verified.",
    "sso.reason.email_domain": "E-mail addresses at @{domain} may not log in for {municipality}.",
    "sso.reason.no_role": "{provider} knows you, but you have no role in the security "
    "baseline for {municipality}. Ask whoever manages your groups to give you the role of "
    "coordinator, unit lead or respondent.",
    "sso.reason.email_taken": "Your e-mail address is already used by another user in "
    "{municipality}. Contact your coordinator.",
    "sso.reason.inactive": "Your user in the security baseline is deactivated. Contact your "
    "coordinator.",
}
