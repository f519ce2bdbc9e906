package exchange

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/edxml"
	"github.com/vanthu/vanthu/service/axis"
)

// sendWorker sends one document to one recipient on the axis. The package's key is the
// document's edXML DocumentId, its business and the recipient, so that a retry after a
// crash or a lost answer never makes a second package.
type sendWorker struct {
	river.WorkerDefaults[sendArgs]
	s *Service
}

func (w *sendWorker) Timeout(*river.Job[sendArgs]) time.Duration { return 30 * time.Minute }

func (w *sendWorker) Work(ctx context.Context, job *river.Job[sendArgs]) error {
	return w.s.Send(ctx, job.Args.DeliveryID)
}

// Send builds and sends the package of one delivery. A refusal by the axis is recorded
// on the delivery, with its reason, and is not retried; any other failure is returned
// for the job to retry.
func (s *Service) Send(ctx context.Context, deliveryID string) error {
	q := s.cfg.Store
	del, err := q.AxisDeliveryGet(ctx, deliveryID)
	if err != nil {
		return fmt.Errorf("axis send %s: %w", deliveryID, err)
	}
	if del.Status != engine.DeliveryQueued {
		return nil // sent before the job's end was recorded, or recalled meanwhile
	}
	spool, err := os.CreateTemp("", "vanthu-axis-send-*.xml")
	if err != nil {
		return fmt.Errorf("axis send %s: %w", deliveryID, err)
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	out, err := s.buildDocument(ctx, del, spool)
	if err != nil {
		return fmt.Errorf("axis send %s: %w", deliveryID, err)
	}
	size, err := spool.Seek(0, io.SeekCurrent)
	if err != nil {
		return fmt.Errorf("axis send %s: %w", deliveryID, err)
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("axis send %s: %w", deliveryID, err)
	}
	out.Body, out.Size = spool, size
	pkgs, err := s.cfg.Axis.Send(ctx, out)
	if errors.Is(err, axis.ErrRejected) || errors.Is(err, axis.ErrUnknownAgency) {
		s.log.Warn("axis refused a package", "delivery", deliveryID, "to", del.RecipientCode, "error", err)
		return s.cfg.Engine.RecordAxisSend(ctx, deliveryID, "", err)
	}
	if err != nil {
		return fmt.Errorf("axis send %s to %s: %w", deliveryID, del.RecipientCode, err)
	}
	id := ""
	if len(pkgs) > 0 {
		id = pkgs[0].ID
	}
	s.log.Info("axis: document sent", "delivery", deliveryID, "to", del.RecipientCode, "package", id, "size", size)
	return s.cfg.Engine.RecordAxisSend(ctx, deliveryID, id, nil)
}

// buildDocument writes the edXML package of a delivery to w: the header per QCVN 102
// and the issued document's sealed PDF and attachments, streamed from the blob store.
func (s *Service) buildDocument(ctx context.Context, del engine.AxisDelivery, w io.Writer) (axis.Outgoing, error) {
	q := s.cfg.Store
	d, err := q.DocumentGetByID(ctx, del.OutgoingID)
	if err != nil {
		return axis.Outgoing{}, err
	}
	sender, err := q.AgencyGetByID(ctx, d.AgencyID)
	if err != nil {
		return axis.Outgoing{}, err
	}
	m, err := s.message(ctx, d, sender, del)
	if err != nil {
		return axis.Outgoing{}, err
	}
	files, err := q.FileListByDocument(ctx, d.ID)
	if err != nil {
		return axis.Outgoing{}, err
	}
	var atts []edxml.Attachment
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	for _, f := range sendable(files) {
		r, err := s.cfg.Blobs.Open(ctx, f.BlobKey)
		if err != nil {
			return axis.Outgoing{}, fmt.Errorf("file %s: %w", f.Name, err)
		}
		closers = append(closers, r)
		atts = append(atts, edxml.Attachment{Name: attachmentName(f), ContentType: contentType(f.Name), Content: r})
	}
	if len(atts) == 0 {
		return axis.Outgoing{}, fmt.Errorf("document %s has no issued file to send", d.ID)
	}
	if err := edxml.BuildMessage(w, m, atts...); err != nil {
		return axis.Outgoing{}, err
	}
	return axis.Outgoing{Type: axis.TypeDocument, From: engine.AxisCode(sender), To: []string{del.RecipientCode},
		Key: packageKey(m.DeclaredID, int(m.Business.DocType), del.RecipientCode)}, nil
}

// packageKey is the idempotency key of a document's package for one recipient: its
// DocumentId (with a notation in Vietnamese) hashed into the axis's ASCII header.
func packageKey(documentID string, business int, recipient string) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%d|%s", documentID, business, recipient)))
	return "edoc-" + hex.EncodeToString(sum[:])
}

// sendable are the files a recipient gets: the issued, sealed PDF (the last signed
// version) and the attachments; drafts and earlier signatures stay here.
func sendable(files []engine.File) []engine.File {
	var out []engine.File
	last := -1
	for i, f := range files {
		if f.Kind == "signed" {
			last = i
		}
	}
	for i, f := range files {
		if i == last || f.Kind == "attachment" {
			out = append(out, f)
		}
	}
	return out
}

func attachmentName(f engine.File) string {
	if f.Name != "" {
		return path.Base(f.Name)
	}
	return fmt.Sprintf("tep-%d.pdf", f.Seq)
}

func contentType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".pdf", "":
		return "application/pdf"
	case ".zip":
		return "application/zip"
	}
	return "application/octet-stream"
}

// message is the header of d for one recipient.
func (s *Service) message(ctx context.Context, d engine.Document, sender engine.Agency, del engine.AxisDelivery) (*edxml.Message, error) {
	q := s.cfg.Store
	if d.IssuedAt == nil {
		return nil, fmt.Errorf("document %s is not issued", d.ID)
	}
	docID := engine.AxisDocumentID(sender, d)
	m := &edxml.Message{
		From:         edxml.Organization{OrganID: engine.AxisCode(sender), OrganName: sender.Name},
		To:           []edxml.Organization{{OrganID: del.RecipientCode, OrganName: del.RecipientName}},
		Code:         engine.AxisCodeOf(d),
		Promulgation: edxml.PromulgationInfo{Place: placeOf(sender), Date: *d.IssuedAt},
		Subject:      d.Subject,
		DeclaredID:   docID,
		Business:     edxml.Business{DocType: edxml.BusinessNew, DocumentID: docID},
		TraceHeaders: []edxml.TraceHeader{{OrganID: engine.AxisCode(sender), Timestamp: time.Now()}},
	}
	if t, ok := engine.TypeByCode(d.TypeCode); ok {
		m.DocumentType.TypeName = t.Name
	} else {
		m.DocumentType.TypeName = "Công văn"
	}
	if p, err := edxml.Urgency(d.Urgency).Priority(); err == nil {
		m.OtherInfo.Priority = p
	}
	m.OtherInfo.PromulgationAmount = 1
	if d.Deadline != nil {
		m.DueDate = *d.Deadline
	}
	if d.SignerID != "" {
		if u, err := q.UserGetByID(ctx, d.SignerID); err == nil {
			m.Signer = edxml.SignerInfo{Competence: string(d.SigningForm), Position: d.SignerTitle, FullName: u.FullName}
		}
	}
	places, err := s.toPlaces(ctx, d)
	if err != nil {
		return nil, err
	}
	m.ToPlaces = places
	if d.ReplacesID != "" {
		if err := s.linkOriginal(ctx, m, d, sender, del); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// toPlaces are every recipient of the dispatch, here and on the axis, as printed.
func (s *Service) toPlaces(ctx context.Context, d engine.Document) ([]string, error) {
	q := s.cfg.Store
	var out []string
	local, err := q.DeliveryListByOutgoing(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	for _, del := range local {
		if a, err := q.AgencyGetByID(ctx, del.RecipientAgencyID); err == nil {
			out = append(out, a.Name)
		}
	}
	remote, err := q.AxisDeliveryListByOutgoing(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	for _, del := range remote {
		out = append(out, del.RecipientName)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// linkOriginal makes m an update (đính chính, 2) or a replacement (thay thế, 3) of the
// document d corrects or replaces.
func (s *Service) linkOriginal(ctx context.Context, m *edxml.Message, d engine.Document, sender engine.Agency, del engine.AxisDelivery) error {
	orig, err := s.cfg.Store.DocumentGetByID(ctx, d.ReplacesID)
	if err != nil {
		return fmt.Errorf("original %s: %w", d.ReplacesID, err)
	}
	origID := engine.AxisDocumentID(sender, orig)
	m.Business.DocType, m.Business.DocumentID = edxml.BusinessUpdate, origID
	m.Business.DocReason = "Đính chính văn bản số " + orig.Notation
	if d.ReplaceKind == "replace" {
		m.Business.DocType = edxml.BusinessReplace
		m.Business.DocReason = "Thay thế văn bản số " + orig.Notation
	}
	m.Business.Replacements = []edxml.Replacement{{DocumentID: origID, OrganIDs: []string{del.RecipientCode}}}
	rf := edxml.ResponseFor{OrganID: engine.AxisCode(sender), Code: orig.Notation, DocumentID: origID}
	if orig.IssuedAt != nil {
		rf.PromulgationDate = *orig.IssuedAt
	}
	m.ResponseFor = []edxml.ResponseFor{rf}
	return nil
}

func placeOf(a engine.Agency) string {
	// The place of issue is the agency's locality; the directory does not keep it, so
	// the name stands in (the recipient reads it, nothing parses it).
	return a.Name
}

// statusWorker sends one status message.
type statusWorker struct {
	river.WorkerDefaults[statusArgs]
	s *Service
}

func (w *statusWorker) Timeout(*river.Job[statusArgs]) time.Duration { return 5 * time.Minute }

func (w *statusWorker) Work(ctx context.Context, job *river.Job[statusArgs]) error {
	err := w.s.SendStatus(ctx, job.Args)
	if errors.Is(err, axis.ErrRejected) || errors.Is(err, axis.ErrUnknownAgency) || errors.Is(err, edxml.ErrMissing) {
		// Nothing a retry would change; the job's error stays listed.
		w.s.log.Warn("axis refused a status", "key", job.Args.Key, "code", job.Args.Code, "error", err)
		return river.JobCancel(err)
	}
	return err
}

// SendStatus builds and sends a status; its key makes a retry send nothing new.
func (s *Service) SendStatus(ctx context.Context, a statusArgs) error {
	q := s.cfg.Store
	agency, err := q.AgencyGetByID(ctx, a.AgencyID)
	if err != nil {
		return fmt.Errorf("axis status %s: %w", a.Key, err)
	}
	st := edxml.StatusMessage{ResponseFor: a.About, From: edxml.Organization{OrganID: engine.AxisCode(agency), OrganName: agency.Name},
		Code: edxml.StatusCode(a.Code), Description: a.Description, Timestamp: a.At, Staff: staffOf(ctx, q, agency, a.ActorID)}
	if strings.TrimSpace(st.Description) == "" {
		st.Description = st.Code.Meaning()
	}
	var buf bytes.Buffer
	if err := edxml.BuildStatus(&buf, st); err != nil {
		return fmt.Errorf("axis status %s: %w", a.Key, err)
	}
	_, err = s.cfg.Axis.Send(ctx, axis.Outgoing{Type: axis.TypeStatus, From: st.From.OrganID, To: []string{a.To},
		Key: "status|" + a.Key, Body: bytes.NewReader(buf.Bytes()), Size: int64(buf.Len())})
	if err != nil {
		return fmt.Errorf("axis status %s %s to %s: %w", a.Code, a.About.DocumentID, a.To, err)
	}
	s.log.Info("axis: status sent", "code", a.Code, "document", a.About.DocumentID, "to", a.To)
	return nil
}
