package auth

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/vanthu/vanthu/engine"
)

// ChangePassword changes the signed-in user's password after checking the current one
// (throttled as logins are; a wrong one is ErrBadCredentials) and starts a new session
// on w, since the change ends all of the user's sessions. The new password is no longer
// temporary.
func (s *Service) ChangePassword(w http.ResponseWriter, r *http.Request, current, next string) error {
	ctx := r.Context()
	p, ok := FromContext(ctx)
	if !ok || p.TokenID != "" {
		return errors.Join(ErrBadCredentials, errors.New("change password: not a session"))
	}
	u, err := s.checkPassword(ctx, p.Username, current, s.clientIP(r))
	if err != nil {
		setRetryAfter(w, err)
		return err
	}
	if err := s.cfg.Engine.ChangePassword(ctx, engine.Actor{UserID: u.ID}, u.ID, next); err != nil {
		return err
	}
	raw, _, err := s.startSession(ctx, u, r)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	s.setCookie(w, raw, s.cfg.SessionLifetime)
	return nil
}
