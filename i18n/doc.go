// Package i18n is the one catalog of everything Jejak says to a person, in
// English, Bahasa Melayu and Bahasa Indonesia. The desktop app, the
// command line and the phone page all render their text from it, so a
// verdict's reasons read the same everywhere.
//
// Messages live in text/<area>.<lang>.json: a JSON object from a key to a
// message, or to an object of plural forms ("one", "other") chosen by the
// parameter "n". A message names its parameters in braces: "{org} sent
// {qty}". Every key must exist in every language with the same
// parameters; TestCatalogComplete checks that.
//
// A Lang is chosen once (on first run, in settings, or from the
// environment with Match) and passed to T. A key missing from a language
// falls back to English; a key missing from English renders as the key
// itself, which the tests treat as a failure.
package i18n
