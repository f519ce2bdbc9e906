package api

import (
	"encoding/base64"
	"net/http"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// errAxisOff refuses a dispatch to agencies on the exchange axis when none is configured.
var errAxisOff = &engine.ValidationError{Field: "external_codes",
	Message: "chưa cấu hình trục liên thông / the national exchange axis is not configured (VANTHU_AXIS_URL)"}

type axisAgencyJSON struct {
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	ParentCode string    `json:"parent_code,omitempty"`
	Email      string    `json:"email,omitempty"`
	Phone      string    `json:"phone,omitempty"`
	Address    string    `json:"address,omitempty"`
	SyncedAt   time.Time `json:"synced_at"`
}

type axisAgencyPage struct {
	Items []axisAgencyJSON `json:"items"`
	Next  string           `json:"next,omitempty"`
}

// listAxisAgencies is GET /api/v1/axis/agencies?q=: the axis's directory, as last
// synchronised, searched by code and name, one page after another by code.
func (s *Server) listAxisAgencies(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.actor(w, r); !ok {
		return
	}
	q := r.URL.Query()
	limit, ok := intParam(w, q, "limit")
	if !ok {
		return
	}
	if limit == 0 || limit > 200 {
		limit = 50
	}
	after, err := decodeCursor(q.Get("cursor"))
	if err != nil {
		httpx.BadRequest(w, "cursor", "con trỏ trang không hợp lệ / not a cursor of this list")
		return
	}
	// One more than the page tells whether another page follows.
	found, err := s.deps.Engine.SearchAxisAgencies(r.Context(), engine.AxisAgencySearch{Query: q.Get("q"), After: after, Limit: limit + 1})
	if err != nil {
		s.engineError(w, r, err)
		return
	}
	out := axisAgencyPage{Items: []axisAgencyJSON{}}
	for i, a := range found {
		if i == limit {
			out.Next = base64.RawURLEncoding.EncodeToString([]byte(found[i-1].Code))
			break
		}
		out.Items = append(out.Items, axisAgencyJSON{Code: a.Code, Name: a.Name, ParentCode: a.ParentCode, Email: a.Email,
			Phone: a.Phone, Address: a.Address, SyncedAt: a.SyncedAt})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// axisDeliveryOut is a delivery to a recipient on the axis, with its history.
func axisDeliveryOut(d engine.AxisDeliveryView) deliveryJSON {
	out := deliveryJSON{Status: string(d.Status), Reason: d.Reason, UpdatedAt: d.UpdatedAt, RecipientCode: d.RecipientCode,
		RecipientName: d.RecipientName, StatusCode: d.StatusCode, PackageID: d.PackageID}
	for _, h := range d.History {
		out.History = append(out.History, deliveryStepJSON{StatusCode: h.StatusCode, Status: string(h.Status), Reason: h.Reason,
			Staff: h.Staff, At: h.At})
	}
	return out
}
