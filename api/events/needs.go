package events

// RouteNeeds are what this package's routes ask of API tokens: an integration watching the
// inbox needs events:read; webhooks, which send the agency's events elsewhere, are the
// agency admin's.
var RouteNeeds = map[string]string{
	"GET /api/v1/events/inbox":             "events:read",
	"POST /api/v1/webhooks":                "admin",
	"GET /api/v1/webhooks":                 "admin",
	"DELETE /api/v1/webhooks/{id}":         "admin",
	"GET /api/v1/webhooks/{id}/deliveries": "admin",
}
