package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// retentionRuleJSON is one line of the retention schedule (bảng thời hạn bảo quản).
type retentionRuleJSON struct {
	Category  string     `json:"category"`
	Name      string     `json:"name"`
	Retention retention  `json:"retention"`
	AgencyID  string     `json:"agency_id,omitempty"` // empty: the national default
	UpdatedBy string     `json:"updated_by,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

func retentionRuleOut(r engine.RetentionRule) retentionRuleJSON {
	out := retentionRuleJSON{Category: r.Category, Name: r.Name, Retention: retention{r.Retention.Permanent, r.Retention.Years},
		AgencyID: r.AgencyID, UpdatedBy: r.UpdatedBy}
	if !r.UpdatedAt.IsZero() {
		at := r.UpdatedAt
		out.UpdatedAt = &at
	}
	return out
}

// retentionRules is GET /api/v1/retention-rules: the schedule in force for my agency, the
// national defaults overridden by the agencies above it and by its own lines.
func (s *Server) retentionRules(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	rules, err := s.deps.Engine.RetentionSchedule(r.Context(), a.AgencyID)
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, mapSlice(rules, retentionRuleOut))
}

type retentionRuleInput struct {
	Category  string    `json:"category"`
	Name      string    `json:"name"`
	Retention retention `json:"retention"`
}

type retentionRulesInput struct {
	Rules []retentionRuleInput `json:"rules"`
}

// setRetentionRules is PUT /api/v1/retention-rules: my agency's own lines of the
// schedule (the head of the agency, its archivist, or an admin over it), each checked
// and audited by the engine, in order; lines not named are left as they are. The answer
// is the schedule now in force.
func (s *Server) setRetentionRules(w http.ResponseWriter, r *http.Request) {
	a, ok := s.actor(w, r)
	if !ok {
		return
	}
	var in retentionRulesInput
	if !httpx.Decode(w, r, &in) {
		return
	}
	if len(in.Rules) == 0 {
		httpx.BadRequest(w, "rules", "cần ít nhất một dòng / at least one line is required")
		return
	}
	for i, l := range in.Rules {
		rule := engine.RetentionRule{AgencyID: a.AgencyID, Category: l.Category, Name: l.Name,
			Retention: engine.Retention{Permanent: l.Retention.Permanent, Years: l.Retention.Years}}
		if _, err := s.deps.Engine.SetRetentionRule(r.Context(), a, rule); err != nil {
			// Name the line, so that a client knows which one to fix (and that the
			// lines before it were set).
			var ve *engine.ValidationError
			if errors.As(err, &ve) {
				err = &engine.ValidationError{Field: fmt.Sprintf("rules[%d].%s", i, ve.Field), Message: ve.Message}
			}
			s.engineError(w, r, err)
			return
		}
	}
	s.retentionRules(w, r)
}
