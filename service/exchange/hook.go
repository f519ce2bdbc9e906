package exchange

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/edxml"
)

// statusOfAction is the status a step of a document that came over the axis reports to
// its sender. Receiving (01) and cancelling (15, a revocation or a 13 applied) are the
// system's; the others the staff's.
var statusOfAction = map[string]edxml.StatusCode{
	"receive":                     edxml.StatusArrived,
	string(engine.ActionReject):   edxml.StatusRejected,
	string(engine.ActionRegister): edxml.StatusAccepted,
	string(engine.ActionDirect):   edxml.StatusAssigned,
	string(engine.ActionStart):    edxml.StatusProcessing,
	string(engine.ActionComplete): edxml.StatusCompleted,
	string(engine.ActionCancel):   edxml.StatusChangeAccepted,
	engine.ActionRefuseChange:     edxml.StatusChangeRejected,
}

// jobsOf are the jobs the transaction's events cause.
func (s *Service) jobsOf(ctx context.Context, q engine.Queries, evs []engine.Event) ([]river.InsertManyParams, error) {
	var out []river.InsertManyParams
	for _, e := range evs {
		if e.ObjectType != "document" {
			continue
		}
		var jobs []river.JobArgs
		var err error
		switch {
		case e.Action == string(engine.ActionDispatch):
			jobs, err = s.sendJobs(ctx, q, e)
		case e.Action == string(engine.ActionRecall):
			jobs, err = s.recallJobs(ctx, q, e)
		case statusOfAction[e.Action] != "":
			jobs, err = s.statusJobs(ctx, q, e)
		}
		if err != nil {
			return nil, fmt.Errorf("%s of %s: %w", e.Action, e.ObjectID, err)
		}
		for _, j := range jobs {
			out = append(out, river.InsertManyParams{Args: j, InsertOpts: s.insertOpts()})
		}
	}
	return out, nil
}

// sendJobs send a dispatched document to each recipient on the axis.
func (s *Service) sendJobs(ctx context.Context, q engine.Queries, e engine.Event) ([]river.JobArgs, error) {
	dels, err := q.AxisDeliveryListByOutgoing(ctx, e.ObjectID)
	if err != nil {
		return nil, err
	}
	var out []river.JobArgs
	for _, del := range dels {
		if del.Status == engine.DeliveryQueued {
			out = append(out, sendArgs{DeliveryID: del.ID})
		}
	}
	return out, nil
}

// recallJobs send 13 (lấy lại) to each recipient on the axis the recall reached.
func (s *Service) recallJobs(ctx context.Context, q engine.Queries, e engine.Event) ([]river.JobArgs, error) {
	dels, err := q.AxisDeliveryListByOutgoing(ctx, e.ObjectID)
	if err != nil || len(dels) == 0 {
		return nil, err
	}
	d, err := q.DocumentGetByID(ctx, e.ObjectID)
	if err != nil {
		return nil, err
	}
	sender, err := q.AgencyGetByID(ctx, d.AgencyID)
	if err != nil {
		return nil, err
	}
	about := edxml.ResponseFor{OrganID: engine.AxisCode(sender), Code: d.Notation, DocumentID: engine.AxisDocumentID(sender, d)}
	if d.IssuedAt != nil {
		about.PromulgationDate = *d.IssuedAt
	}
	var out []river.JobArgs
	for _, del := range dels {
		if del.Status != engine.DeliveryRecalled {
			continue
		}
		out = append(out, statusArgs{Key: fmt.Sprintf("%s:%d:13:%s", e.AgencyID, e.Seq, del.RecipientCode), AgencyID: d.AgencyID,
			To: del.RecipientCode, About: about, Code: string(edxml.StatusRecallRequested), Description: d.Note,
			ActorID: e.ActorID, At: e.At})
	}
	return out, nil
}

// statusJobs report a step of a document that came over the axis to its sender. An
// update or replacement that arrives is also accepted (15) or, when the original is not
// known here, refused (16).
func (s *Service) statusJobs(ctx context.Context, q engine.Queries, e engine.Event) ([]river.JobArgs, error) {
	code := statusOfAction[e.Action]
	if (code == edxml.StatusChangeAccepted || code == edxml.StatusChangeRejected) && e.ActorID != engine.System.UserID {
		return nil, nil // a cancel the staff made is not an answer to the sender
	}
	if e.Action == "receive" && e.ActorID != engine.System.UserID {
		// A person received it (a scan, paper): only the system takes documents in from
		// the axis.
		s.origins.remember(e.ObjectID, nil)
		return nil, nil
	}
	x, fromAxis, err := s.origins.of(ctx, q, e.ObjectID)
	if err != nil || !fromAxis {
		return nil, err
	}
	d, err := q.DocumentGetByID(ctx, e.ObjectID)
	if err != nil {
		return nil, err
	}
	about := edxml.ResponseFor{OrganID: x.SenderCode, Code: d.SenderNotation, DocumentID: x.ExternalID}
	if _, date, _, err := edxml.ParseDocumentID(x.ExternalID); err == nil {
		about.PromulgationDate = date
	}
	job := statusArgs{Key: fmt.Sprintf("%s:%d:%s", e.AgencyID, e.Seq, code), AgencyID: d.AgencyID, To: x.SenderCode, About: about,
		Code: string(code), Description: code.Meaning(), ActorID: e.ActorID, At: e.At}
	switch code {
	case edxml.StatusRejected:
		job.Description = d.Note
	case edxml.StatusChangeRejected:
		job.Description = reasonOf(e)
	}
	out := []river.JobArgs{job}
	if e.Action == "receive" && (x.Business == engine.BusinessUpdate || x.Business == engine.BusinessReplacement) {
		change := job
		change.Key, change.Code, change.Description = job.Key+":change", string(edxml.StatusChangeAccepted), edxml.StatusChangeAccepted.Meaning()
		if d.ReplacesID == "" {
			change.Code = string(edxml.StatusChangeRejected)
			change.Description = "Không tìm thấy văn bản được cập nhật, thay thế"
		}
		out = append(out, change)
	}
	return out, nil
}

// reasonOf is the reason an event recorded.
func reasonOf(e engine.Event) string {
	var after struct {
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal([]byte(e.After), &after); err != nil || after.Reason == "" {
		return "Không áp dụng được yêu cầu của nơi gửi"
	}
	return after.Reason
}

// statusArgs is one status message to send. The hook fills in what the transaction
// knows; the worker adds the names (agency, staff) when it sends.
type statusArgs struct {
	// Key identifies the status: the audit event that caused it, so that it is enqueued
	// and sent once.
	Key         string            `json:"key" river:"unique"`
	AgencyID    string            `json:"agency_id"` // the agency here that reports it
	To          string            `json:"to"`        // the axis code it goes to
	About       edxml.ResponseFor `json:"about"`
	Code        string            `json:"code"`
	Description string            `json:"description"`
	ActorID     string            `json:"actor_id"`
	At          time.Time         `json:"at"`
}

func (statusArgs) Kind() string { return KindStatus }

// sendArgs is one document to send to one recipient on the axis.
type sendArgs struct {
	DeliveryID string `json:"delivery_id" river:"unique"`
}

func (sendArgs) Kind() string { return KindSend }

// staffOf names who acted, for StaffInfo.
func staffOf(ctx context.Context, q engine.Queries, agency engine.Agency, actorID string) edxml.StaffInfo {
	info := edxml.StaffInfo{Department: agency.Name, Staff: "Hệ thống quản lý văn bản"}
	if actorID == "" || actorID == engine.System.UserID {
		return info
	}
	u, err := q.UserGetByID(ctx, actorID)
	if err != nil {
		return info
	}
	info.Staff, info.Email = u.FullName, u.Email
	ms, err := q.MembershipListByUser(ctx, actorID)
	if err != nil {
		return info
	}
	for _, m := range ms {
		if m.AgencyID != agency.ID || m.UnitID == "" {
			continue
		}
		if unit, err := q.UnitGetByID(ctx, m.UnitID); err == nil {
			info.Department = strings.TrimSpace(unit.Name)
		}
		break
	}
	return info
}
