package web

// Label is the UI's text for a message key ("state.in_progress", "delivery.done",
// "role.clerk") in the language ("vi" or "en"), so that the command line names states and
// roles exactly as the web pages do.
func Label(lang, key string) string { return translate(lang, key) }
