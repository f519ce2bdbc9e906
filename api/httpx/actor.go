package httpx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"github.com/vanthu/vanthu/engine"
)

// Headers naming whom an API request acts as, when the user has several memberships.
const (
	HeaderAgency = "Vanthu-Agency"
	HeaderRole   = "Vanthu-Role"
)

// Memberships is what resolving the acting role reads; engine.Store has it.
type Memberships interface {
	MembershipListByUser(ctx context.Context, userID string) ([]engine.Membership, error)
	AgencyGetByCode(ctx context.Context, code string) (engine.Agency, error)
}

// ActingError says why a request has no actor; it is answered as its Problem.
type ActingError struct {
	Problem Problem
}

func (e *ActingError) Error() string { return e.Problem.Detail }

func actingError(status int, kind, title, detail string) *ActingError {
	return &ActingError{Problem{Type: ProblemBase + kind, Title: title, Status: status, Detail: detail}}
}

// ActorFrom resolves whom userID acts as: in the agency (code or id) and role named, or
// in their only membership when neither is named. It checks the membership exists; what
// that role may do is the engine's business.
func ActorFrom(ctx context.Context, ms Memberships, userID, agency string, role engine.Role) (engine.Actor, error) {
	held, err := ms.MembershipListByUser(ctx, userID)
	if err != nil {
		return engine.Actor{}, fmt.Errorf("acting as: %w", err)
	}
	agencyID := agency
	if agency != "" {
		// An unknown code stays as it is and then matches no membership.
		if a, err := ms.AgencyGetByCode(ctx, agency); err == nil {
			agencyID = a.ID
		}
	}
	var found []engine.Actor
	for _, m := range held {
		a := engine.Actor{UserID: userID, AgencyID: m.AgencyID, Role: m.Role}
		if (agency == "" || m.AgencyID == agencyID) && (role == "" || m.Role == role) && !slices.Contains(found, a) {
			found = append(found, a)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) == 0 && (agency != "" || role != ""):
		return engine.Actor{}, actingError(http.StatusForbidden, KindForbidden, "Không có quyền / Forbidden",
			"bạn không giữ vai trò này tại cơ quan này / you hold no such role in that agency")
	case len(found) == 0:
		return engine.Actor{}, actingError(http.StatusForbidden, KindForbidden, "Không có quyền / Forbidden",
			"tài khoản chưa được giao vai trò nào / the account has no role in any agency")
	}
	return engine.Actor{}, actingError(http.StatusBadRequest, KindActingAsRequired, "Cần chọn vai trò / Acting as required",
		"chọn cơ quan và vai trò bằng header Vanthu-Agency và Vanthu-Role / name the agency and role with the Vanthu-Agency and Vanthu-Role headers")
}

// Actor is ActorFrom for a handler, reading the Vanthu-Agency and Vanthu-Role headers;
// on failure it writes the problem and reports false.
func Actor(w http.ResponseWriter, r *http.Request, log *slog.Logger, ms Memberships, userID string) (engine.Actor, bool) {
	a, err := ActorFrom(r.Context(), ms, userID, r.Header.Get(HeaderAgency), engine.Role(r.Header.Get(HeaderRole)))
	var ae *ActingError
	switch {
	case errors.As(err, &ae):
		ae.Problem.Write(w)
		return a, false
	case err != nil:
		Internal(w, r, log, err)
		return a, false
	}
	return a, true
}
