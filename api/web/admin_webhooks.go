package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
)

// Webhooks: an agency's administrator subscribes an outside system to the agency's
// events, sees each subscription's delivery log a page at a time, and ends one.

type webhooksView struct {
	Hooks      []engine.Webhook
	EventTypes []string
	Selected   *engine.Webhook
	Deliveries []engine.WebhookDelivery
	NextURL    string
	// What the admin typed, shown again when it was refused (never the secret).
	URL    string
	Chosen []string
}

// adminWebhooks lists the agency's subscriptions with the form to add one.
func (u *UI) adminWebhooks(w http.ResponseWriter, r *http.Request, s *session) {
	v, err := u.webhooksView(r, s)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.render(w, r, s, "admin_webhooks", "webhooks.title", v)
}

func (u *UI) webhooksView(r *http.Request, s *session) (webhooksView, error) {
	hooks, err := u.deps.Engine.Webhooks(r.Context(), s.Actor)
	if err != nil {
		return webhooksView{}, err
	}
	return webhooksView{Hooks: hooks, EventTypes: engine.WebhookEventTypes}, nil
}

// adminWebhook shows one subscription's delivery log, newest first.
func (u *UI) adminWebhook(w http.ResponseWriter, r *http.Request, s *session) {
	v, err := u.webhooksView(r, s)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	id := r.PathValue("id")
	hook, err := u.deps.Engine.Webhook(r.Context(), s.Actor, id)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	page, err := u.deps.Engine.WebhookDeliveryPage(r.Context(), s.Actor, id, parseDeliveryCursor(r.URL.Query().Get("after")), 50)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	v.Selected, v.Deliveries = &hook, page.Deliveries
	if page.Next.ID != "" {
		v.NextURL = "/admin/webhooks/" + id + "?" + url.Values{"after": {formatDeliveryCursor(page.Next)}}.Encode() + "#deliveries"
	}
	u.render(w, r, s, "admin_webhooks", "webhooks.title", v)
}

// adminWebhookCreate subscribes a URL to the chosen events.
func (u *UI) adminWebhookCreate(w http.ResponseWriter, r *http.Request, s *session) {
	if err := r.ParseForm(); err != nil {
		u.fail(w, r, s, badInput("err.invalid"))
		return
	}
	hook := engine.Webhook{URL: strings.TrimSpace(r.FormValue("url")), Secret: r.FormValue("secret"), EventTypes: r.Form["event_types"]}
	_, err := u.deps.Engine.CreateWebhook(r.Context(), s.Actor, hook)
	if err == nil {
		redirectDone(w, r, "/admin/webhooks", "webhook_created")
		return
	}
	if errors.Is(err, engine.ErrForbidden) {
		u.fail(w, r, s, err)
		return
	}
	v, verr := u.webhooksView(r, s)
	if verr != nil {
		u.fail(w, r, s, verr)
		return
	}
	v.URL, v.Chosen = hook.URL, hook.EventTypes
	u.formError(w, r, s, "admin_webhooks", "webhooks.title", v, err)
}

// adminWebhookDelete ends a subscription; its delivery log stays.
func (u *UI) adminWebhookDelete(w http.ResponseWriter, r *http.Request, s *session) {
	if err := u.deps.Engine.DeleteWebhook(r.Context(), s.Actor, r.PathValue("id")); err != nil {
		u.fail(w, r, s, err)
		return
	}
	redirectDone(w, r, "/admin/webhooks", "webhook_deleted")
}

// Chose tells the form which event types to tick again.
func (v webhooksView) Chose(t string) bool {
	for _, c := range v.Chosen {
		if c == t {
			return true
		}
	}
	return false
}

// A delivery cursor in a URL: the last delivery's created_at in Unix nanoseconds, a dot, its id.
func formatDeliveryCursor(c engine.DeliveryCursor) string {
	return strconv.FormatInt(c.CreatedAt.UnixNano(), 10) + "." + c.ID
}

func parseDeliveryCursor(s string) engine.DeliveryCursor {
	at, id, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || id == "" {
		return engine.DeliveryCursor{} // the first page
	}
	return engine.DeliveryCursor{CreatedAt: time.Unix(0, n).UTC(), ID: id}
}
