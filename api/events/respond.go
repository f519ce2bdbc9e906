package events

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/engine"
)

// problem is an RFC 9457 problem detail, with the same stable types as the rest of the API.
type problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail,omitempty"`
	Errors []fieldError `json:"errors,omitempty"`
}

type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

const problemBase = "https://vanthu.dev/problems/"

func writeProblem(w http.ResponseWriter, p problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func unauthenticated(w http.ResponseWriter) {
	writeProblem(w, problem{Type: problemBase + "unauthenticated", Title: "Chưa đăng nhập / Unauthenticated",
		Status: http.StatusUnauthorized, Detail: "đăng nhập hoặc gửi API token / log in or send an API token"})
}

// engineError maps an engine error onto a problem by its kind; a foreign agency's
// object reads as not found.
func (s *Service) engineError(w http.ResponseWriter, r *http.Request, err error) {
	var ve *engine.ValidationError
	switch {
	case errors.As(err, &ve):
		writeProblem(w, problem{Type: problemBase + "invalid", Title: "Dữ liệu không hợp lệ / Invalid request",
			Status: http.StatusUnprocessableEntity, Detail: ve.Error(), Errors: []fieldError{{Field: ve.Field, Message: ve.Message}}})
	case errors.Is(err, engine.ErrNotFound):
		writeProblem(w, problem{Type: problemBase + "not-found", Title: "Không tìm thấy / Not found", Status: http.StatusNotFound})
	case errors.Is(err, engine.ErrForbidden):
		writeProblem(w, problem{Type: problemBase + "forbidden", Title: "Không có quyền / Forbidden", Status: http.StatusForbidden,
			Detail: "chỉ quản trị của cơ quan / only the agency's admin"})
	case errors.Is(err, engine.ErrConflict):
		writeProblem(w, problem{Type: problemBase + "conflict", Title: "Xung đột / Conflict", Status: http.StatusConflict})
	default:
		s.cfg.Logger.ErrorContext(r.Context(), "events request", "path", r.URL.Path, "error", err)
		writeProblem(w, problem{Type: problemBase + "internal", Title: "Lỗi hệ thống / Internal error",
			Status: http.StatusInternalServerError})
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
	if a, err := s.cfg.Store.AgencyGetByCode(r.Context(), agency); agency != "" && err == nil {
		agencyID = a.ID
	}
	var found []engine.Actor
	for _, m := range ms {
		a := engine.Actor{UserID: p.UserID, AgencyID: m.AgencyID, Role: m.Role}
		if (agency == "" || m.AgencyID == agencyID) && (role == "" || m.Role == role) && !containsActor(found, a) {
			found = append(found, a)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], true
	case len(found) == 0:
		writeProblem(w, problem{Type: problemBase + "forbidden", Title: "Không có quyền / Forbidden", Status: http.StatusForbidden,
			Detail: "bạn không giữ vai trò này tại cơ quan này / you hold no such role in that agency"})
	default:
		writeProblem(w, problem{Type: problemBase + "acting-as-required", Title: "Cần chọn vai trò / Acting as required",
			Status: http.StatusBadRequest,
			Detail: "chọn cơ quan và vai trò bằng header Vanthu-Agency và Vanthu-Role / name the agency and role with the Vanthu-Agency and Vanthu-Role headers"})
	}
	return engine.Actor{}, false
}

func containsActor(as []engine.Actor, a engine.Actor) bool {
	for _, x := range as {
		if x == a {
			return true
		}
	}
	return false
}
