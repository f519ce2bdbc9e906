package events

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/engine"
)

// invalidProblem is the 422 answer with the field at fault, which auth.WriteProblem,
// used for every other problem, has no room for.
type invalidProblem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail,omitempty"`
	Errors []fieldError `json:"errors"`
}

type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func unauthenticated(w http.ResponseWriter) {
	auth.WriteProblem(w, http.StatusUnauthorized, "unauthenticated", "Chưa đăng nhập / Unauthenticated",
		"đăng nhập hoặc gửi API token / log in or send an API token")
}

// engineError maps an engine error onto a problem by its kind; a foreign agency's
// object reads as not found.
func (s *Service) engineError(w http.ResponseWriter, r *http.Request, err error) {
	var ve *engine.ValidationError
	switch {
	case errors.As(err, &ve):
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusUnprocessableEntity)
		_ = json.NewEncoder(w).Encode(invalidProblem{Type: auth.ProblemBase + "invalid", Title: "Dữ liệu không hợp lệ / Invalid request",
			Status: http.StatusUnprocessableEntity, Detail: ve.Error(), Errors: []fieldError{{Field: ve.Field, Message: ve.Message}}})
	case errors.Is(err, engine.ErrNotFound):
		auth.WriteProblem(w, http.StatusNotFound, "not-found", "Không tìm thấy / Not found", "")
	case errors.Is(err, engine.ErrForbidden):
		auth.WriteProblem(w, http.StatusForbidden, "forbidden", "Không có quyền / Forbidden",
			"chỉ quản trị của cơ quan / only the agency's admin")
	case errors.Is(err, engine.ErrConflict):
		auth.WriteProblem(w, http.StatusConflict, "conflict", "Xung đột / Conflict", "")
	default:
		s.cfg.Logger.ErrorContext(r.Context(), "events request", "path", r.URL.Path, "error", err)
		auth.WriteProblem(w, http.StatusInternalServerError, "internal", "Lỗi hệ thống / Internal error", "")
	}
}

// actor resolves whom an API request acts as, the way the rest of the API does: the
// agency and role named by the Vanthu-Agency (code or id) and Vanthu-Role headers, or
// the user's only membership. It writes the problem and returns false when it cannot.
func (s *Service) actor(w http.ResponseWriter, r *http.Request) (engine.Actor, bool) {
	p, ok := auth.FromContext(r.Context())
	if !ok {
		unauthenticated(w)
		return engine.Actor{}, false
	}
	ms, err := s.cfg.Store.MembershipListByUser(r.Context(), p.UserID)
	if err != nil {
		s.engineError(w, r, err)
		return engine.Actor{}, false
	}
	agency, role := r.Header.Get("Vanthu-Agency"), engine.Role(r.Header.Get("Vanthu-Role"))
	agencyID := agency
	if agency != "" {
		if a, err := s.cfg.Store.AgencyGetByCode(r.Context(), agency); err == nil {
			agencyID = a.ID
		}
	}
	var found []engine.Actor
	for _, m := range ms {
		a := engine.Actor{UserID: p.UserID, AgencyID: m.AgencyID, Role: m.Role}
		if (agency == "" || m.AgencyID == agencyID) && (role == "" || m.Role == role) && !slices.Contains(found, a) {
			found = append(found, a)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], true
	case len(found) == 0:
		auth.WriteProblem(w, http.StatusForbidden, "forbidden", "Không có quyền / Forbidden",
			"bạn không giữ vai trò này tại cơ quan này / you hold no such role in that agency")
	default:
		auth.WriteProblem(w, http.StatusBadRequest, "acting-as-required", "Cần chọn vai trò / Acting as required",
			"chọn cơ quan và vai trò bằng header Vanthu-Agency và Vanthu-Role / name the agency and role with the Vanthu-Agency and Vanthu-Role headers")
	}
	return engine.Actor{}, false
}
