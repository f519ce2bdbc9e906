package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

func writeDocument(w http.ResponseWriter, status int, d engine.Document) {
	w.Header().Set("ETag", etag(d.Version))
	httpx.WriteJSON(w, status, documentOut(d))
}

func etag(version int) string { return `"v` + strconv.Itoa(version) + `"` }

// documentJSON is a document as the API shows it.
type documentJSON struct {
	ID             string     `json:"id"`
	AgencyID       string     `json:"agency_id"`
	Flow           string     `json:"flow"`
	State          string     `json:"state"`
	Version        int        `json:"version"`
	TypeCode       string     `json:"type_code"`
	Subject        string     `json:"subject"`
	Urgency        string     `json:"urgency"`
	Classification string     `json:"classification"`
	DrafterID      string     `json:"drafter_id,omitempty"`
	DraftingUnitID string     `json:"drafting_unit_id,omitempty"`
	SignerID       string     `json:"signer_id,omitempty"`
	SigningForm    string     `json:"signing_form,omitempty"`
	SignerTitle    string     `json:"signer_title,omitempty"`
	Year           int        `json:"year,omitempty"`
	Number         int        `json:"number,omitempty"`
	Notation       string     `json:"notation,omitempty"`
	IssuedAt       *time.Time `json:"issued_at,omitempty"`
	IncomingNumber int        `json:"incoming_number,omitempty"`
	ReceivedAt     *time.Time `json:"received_at,omitempty"`
	SenderName     string     `json:"sender_name,omitempty"`
	SenderNotation string     `json:"sender_notation,omitempty"`
	Direction      string     `json:"direction,omitempty"`
	Deadline       *time.Time `json:"deadline,omitempty"`
	ReplyToID      string     `json:"reply_to_id,omitempty"`
	ReplacesID     string     `json:"replaces_id,omitempty"`
	Note           string     `json:"note,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`

	// IntendedSignerID is the leader named to sign (người ký dự kiến).
	IntendedSignerID string `json:"intended_signer_id,omitempty"`
}

func documentOut(d engine.Document) documentJSON {
	return documentJSON{ID: d.ID, AgencyID: d.AgencyID, Flow: string(d.Flow), State: string(d.State), Version: d.Version,
		TypeCode: d.TypeCode, Subject: d.Subject, Urgency: string(d.Urgency), Classification: string(d.Classification),
		DrafterID: d.DrafterID, DraftingUnitID: d.DraftingUnitID, SignerID: d.SignerID, SigningForm: string(d.SigningForm),
		SignerTitle: d.SignerTitle, Year: d.Year, Number: d.Number, Notation: d.Notation, IssuedAt: d.IssuedAt,
		IncomingNumber: d.IncomingNumber, ReceivedAt: d.ReceivedAt, SenderName: d.SenderName, SenderNotation: d.SenderNotation,
		Direction: d.Direction, Deadline: d.Deadline, ReplyToID: d.ReplyToID, ReplacesID: d.ReplacesID, Note: d.Note,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, IntendedSignerID: d.IntendedSignerID}
}

type fileJSON struct {
	Seq       int       `json:"seq"`
	Kind      string    `json:"kind"`
	Name      string    `json:"name"`
	SHA256    string    `json:"sha256"`
	Size      int64     `json:"size"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

func fileOut(f engine.File) fileJSON {
	return fileJSON{Seq: f.Seq, Kind: f.Kind, Name: f.Name, SHA256: f.SHA256, Size: f.Size, CreatedBy: f.CreatedBy, CreatedAt: f.CreatedAt}
}

type assignmentJSON struct {
	ID         string     `json:"id"`
	DocumentID string     `json:"document_id"`
	ParentID   string     `json:"parent_id,omitempty"`
	UnitID     string     `json:"unit_id,omitempty"`
	UserID     string     `json:"user_id,omitempty"`
	Role       string     `json:"role"`
	Deadline   *time.Time `json:"deadline,omitempty"`
	Status     string     `json:"status"`
	Note       string     `json:"note,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	DoneAt     *time.Time `json:"done_at,omitempty"`
}

func assignmentOut(a engine.Assignment) assignmentJSON {
	return assignmentJSON{ID: a.ID, DocumentID: a.DocumentID, ParentID: a.ParentID, UnitID: a.UnitID, UserID: a.UserID,
		Role: string(a.Role), Deadline: a.Deadline, Status: a.Status, Note: a.Note, CreatedAt: a.CreatedAt, DoneAt: a.DoneAt}
}

type noteJSON struct {
	ID          string     `json:"id"`
	AuthorID    string     `json:"author_id"`
	Kind        string     `json:"kind"`
	Body        string     `json:"body"`
	NewDeadline *time.Time `json:"new_deadline,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
}

func noteOut(n engine.AssignmentNote) noteJSON {
	return noteJSON{ID: n.ID, AuthorID: n.AuthorID, Kind: n.Kind, Body: n.Body, NewDeadline: n.NewDeadline, CreatedAt: n.CreatedAt}
}

type deliveryJSON struct {
	RecipientAgencyID string    `json:"recipient_agency_id"`
	Status            string    `json:"status"`
	Reason            string    `json:"reason,omitempty"`
	UpdatedAt         time.Time `json:"updated_at"`
	// A recipient on the national exchange axis (recipient_agency_id empty).
	RecipientCode string             `json:"recipient_code,omitempty"`
	RecipientName string             `json:"recipient_name,omitempty"`
	StatusCode    string             `json:"status_code,omitempty"`
	PackageID     string             `json:"package_id,omitempty"`
	History       []deliveryStepJSON `json:"history,omitempty"`
}

// deliveryStepJSON is one step of a delivery over the axis.
type deliveryStepJSON struct {
	StatusCode string    `json:"status_code"`
	Status     string    `json:"status"`
	Reason     string    `json:"reason,omitempty"`
	Staff      string    `json:"staff,omitempty"`
	At         time.Time `json:"at"`
}

type recordJSON struct {
	ID           string     `json:"id"`
	Code         string     `json:"code"`
	Title        string     `json:"title"`
	Year         int        `json:"year"`
	Retention    retention  `json:"retention"`
	OwnerID      string     `json:"owner_id,omitempty"`
	State        string     `json:"state"`
	LegalHold    bool       `json:"legal_hold"`
	WorkEndedAt  *time.Time `json:"work_ended_at,omitempty"`
	HandOverDue  *time.Time `json:"hand_over_due,omitempty"`
	HandedOverAt *time.Time `json:"handed_over_at,omitempty"`
	Version      int        `json:"version"`
	DocumentIDs  []string   `json:"document_ids,omitempty"`
}

type retention struct {
	Permanent bool `json:"permanent"`
	Years     int  `json:"years,omitempty"`
}

func recordOut(r engine.Record) recordJSON {
	return recordJSON{ID: r.ID, Code: r.Code, Title: r.Title, Year: r.Year, Retention: retention{r.Retention.Permanent, r.Retention.Years},
		OwnerID: r.OwnerID, State: string(r.State), LegalHold: r.LegalHold, WorkEndedAt: r.WorkEndedAt, HandOverDue: r.HandOverDue,
		HandedOverAt: r.HandedOverAt, Version: r.Version}
}

type agencyJSON struct {
	ID        string `json:"id"`
	Code      string `json:"code"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	Tier      string `json:"tier"`
	ParentID  string `json:"parent_id,omitempty"`
}

func agencyOut(a engine.Agency) agencyJSON {
	return agencyJSON{ID: a.ID, Code: a.Code, Name: a.Name, ShortName: a.ShortName, Tier: string(a.Tier), ParentID: a.ParentID}
}

type unitJSON struct {
	ID        string `json:"id"`
	AgencyID  string `json:"agency_id"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
}

func unitOut(u engine.Unit) unitJSON {
	return unitJSON{ID: u.ID, AgencyID: u.AgencyID, Name: u.Name, ShortName: u.ShortName}
}

// idOnly answers creations whose object the API has no other view of.
type idOnly struct {
	ID string `json:"id"`
}

func mapSlice[T, U any](in []T, f func(T) U) []U {
	out := make([]U, 0, len(in))
	for _, x := range in {
		out = append(out, f(x))
	}
	return out
}
