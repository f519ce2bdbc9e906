// Package events tells people and systems what changed: live inbox counts over
// Server-Sent Events, signed webhooks for integrations, and e-mail notifications.
package events

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/vanthu/vanthu/engine"
)

// Config is what the service needs.
type Config struct {
	Engine *engine.Engine
	Store  engine.Store
	Logger *slog.Logger
}

// Service streams live counts and delivers webhooks and e-mail.
type Service struct {
	cfg Config
}

// New returns the service.
func New(cfg Config) *Service { return &Service{cfg: cfg} }

// Routes registers the event endpoints.
func (s *Service) Routes(mux *http.ServeMux) {}

// Start runs the delivery workers until Stop or ctx ends.
func (s *Service) Start(ctx context.Context) {}

// Stop stops the workers and waits for them.
func (s *Service) Stop() {}
