package engine

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// DraftInput is what a drafter fills in for a new outgoing document.
type DraftInput struct {
	TypeCode       string
	Subject        string
	Urgency        Urgency
	Classification Classification
	DraftingUnitID string
	Note           string
	// ReplyToID names the incoming document this one answers.
	ReplyToID string
	// ReplacesID names an issued document this one corrects ("correct", đính chính) or
	// replaces ("replace", thay thế); it goes to the same recipients.
	ReplacesID  string
	ReplaceKind string
	// Files are the first draft version and any attachments, already in the blob store;
	// they are recorded in the same transaction as the draft, so that a draft is never
	// acknowledged without them.
	Files []FileInput
}

// CreateDraft starts an outgoing document (dự thảo) in the actor's agency.
func (e *Engine) CreateDraft(ctx context.Context, actor Actor, in DraftInput, requestID string) (Document, error) {
	now := e.timestamp()
	d := Document{ID: NewID(), AgencyID: actor.AgencyID, Flow: Outgoing, State: StateDraft, Version: 1,
		TypeCode: in.TypeCode, Subject: in.Subject, Urgency: in.Urgency, Classification: in.Classification,
		DrafterID: actor.UserID, DraftingUnitID: in.DraftingUnitID, Note: in.Note, Year: now.Year(),
		ReplyToID: in.ReplyToID, ReplacesID: in.ReplacesID, ReplaceKind: in.ReplaceKind, CreatedAt: now, UpdatedAt: now}
	if (in.ReplacesID == "") != (in.ReplaceKind == "") || (in.ReplaceKind != "" && in.ReplaceKind != "correct" && in.ReplaceKind != "replace") {
		return Document{}, invalid("replace_kind", "a correction or replacement names the document and is \"correct\" or \"replace\"")
	}
	if err := d.Validate(); err != nil {
		return Document{}, err
	}
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: ActionCreateDraft, now: now}
		if replay, done, err := c.replayedCreation(ctx, requestID); err != nil || done {
			d = replay
			return err
		}
		if err := c.authorize(ctx, actor.AgencyID); err != nil {
			return err
		}
		if !slices.Contains(drafters, actor.Role) {
			return refuse(ActionCreateDraft, ReasonWrongRole, "a %s does not draft documents", actor.Role)
		}
		if err := checkLinks(ctx, q, &d); err != nil {
			return err
		}
		if d.DraftingUnitID != "" {
			unit, err := q.UnitGetByID(ctx, d.DraftingUnitID)
			if err != nil {
				return fmt.Errorf("drafting unit: %w", err)
			}
			if unit.AgencyID != actor.AgencyID {
				return invalid("drafting_unit_id", "the unit belongs to another agency")
			}
		}
		if err := q.DocumentInsert(ctx, &d); err != nil {
			return err
		}
		for _, f := range in.Files {
			if err := c.addFile(ctx, d.ID, f, "draft"); err != nil {
				return err
			}
		}
		c.audit(d.AgencyID, "document", d.ID, nil, summary(d))
		if err := c.finish(ctx, requestID, d.ID); err != nil {
			return err
		}
		return c.reply(ctx, requestID, d)
	})
	if err != nil {
		return Document{}, fmt.Errorf("create draft: %w", err)
	}
	return d, nil
}

// checkLinks makes sure a reply answers an incoming document of the same agency and a
// correction names an issued document of the same agency.
func checkLinks(ctx context.Context, q Queries, d *Document) error {
	if d.ReplyToID != "" {
		in, err := q.DocumentGetByID(ctx, d.ReplyToID)
		if err != nil || in.AgencyID != d.AgencyID || in.Flow != Incoming {
			return invalid("reply_to_id", "a reply answers an incoming document of the same agency")
		}
	}
	if d.ReplacesID != "" {
		old, err := q.DocumentGetByID(ctx, d.ReplacesID)
		if err != nil || old.AgencyID != d.AgencyID || old.Flow != Outgoing || old.Number == 0 {
			return invalid("replaces_id", "only an issued document of the same agency is corrected or replaced")
		}
	}
	return nil
}

// Reviewer is one check of a draft. Reviewers with the same Order check in parallel;
// lower orders go first.
type Reviewer struct {
	UserID string
	Kind   string // content, format
	Order  int
}

// Submit sends a draft for review. Without reviewers it is ready for the signer at once.
func (e *Engine) Submit(ctx context.Context, actor Actor, docID string, reviewers []Reviewer, requestID string) (Document, error) {
	return e.SubmitFor(ctx, actor, docID, Submission{Reviewers: reviewers}, requestID)
}

// SubmitFor is Submit naming the leader who is to sign (intended_signer.go).
func (e *Engine) SubmitFor(ctx context.Context, actor Actor, docID string, in Submission, requestID string) (Document, error) {
	return e.transition(ctx, actor, docID, ActionSubmit, requestID, func(c *change, d *Document) error {
		if err := c.checkIntendedSigner(ctx, d.AgencyID, in.SignerID); err != nil {
			return err
		}
		d.IntendedSignerID = in.SignerID
		if len(in.Reviewers) == 0 {
			d.State = StateReviewed
			return nil
		}
		for _, r := range in.Reviewers {
			if r.Kind != "content" && r.Kind != "format" {
				return invalid("reviewers", "review kind %q must be content or format", r.Kind)
			}
			step := ReviewStep{DocumentID: d.ID, Seq: r.Order, ReviewerID: r.UserID, Kind: r.Kind, Status: "pending"}
			if err := c.q.ReviewStepInsert(ctx, &step); err != nil {
				return fmt.Errorf("review step: %w", err)
			}
		}
		return nil
	})
}

// Review records a reviewer's verdict: approved moves the draft on once every step has
// passed; not approved returns it to the drafter with the comment.
func (e *Engine) Review(ctx context.Context, actor Actor, docID string, approve bool, comment, requestID string) (Document, error) {
	return e.transition(ctx, actor, docID, ActionReview, requestID, func(c *change, d *Document) error {
		steps, err := c.q.ReviewStepListByDocument(ctx, d.ID)
		if err != nil {
			return err
		}
		current := -1
		for _, s := range steps {
			if s.Status == "pending" && (current == -1 || s.Seq < current) {
				current = s.Seq
			}
		}
		var mine *ReviewStep
		for i := range steps {
			if steps[i].Seq == current && steps[i].ReviewerID == c.actor.UserID && steps[i].Status == "pending" {
				mine = &steps[i]
			}
		}
		if mine == nil {
			return refuse(ActionReview, ReasonNotAssigned, "no review step is waiting for this user")
		}
		mine.Status, mine.Comment, mine.DecidedAt = "approved", comment, &c.now
		if !approve {
			mine.Status = "returned"
			d.State = StateReturned
			d.Note = comment
		}
		if err := c.q.ReviewStepUpdate(ctx, mine); err != nil {
			return err
		}
		if approve && !slices.ContainsFunc(steps, func(s ReviewStep) bool { return s.Status == "pending" }) {
			d.State = StateReviewed
		}
		if !approve {
			// A returned draft is reviewed afresh after revision.
			for i := range steps {
				if steps[i].Status == "pending" {
					steps[i].Status = "cancelled"
					if err := c.q.ReviewStepUpdate(ctx, &steps[i]); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

// Approve is the signer's approval of the draft (duyệt bản thảo).
func (e *Engine) Approve(ctx context.Context, actor Actor, docID, requestID string) (Document, error) {
	return e.transition(ctx, actor, docID, ActionApprove, requestID, nil)
}

// SendBack returns a draft to its drafter for revision, with the reason.
func (e *Engine) SendBack(ctx context.Context, actor Actor, docID, reason, requestID string) (Document, error) {
	return e.transition(ctx, actor, docID, ActionSendBack, requestID, func(c *change, d *Document) error {
		d.Note = reason
		return nil
	})
}

// FileInput names a stored file of a document.
type FileInput struct {
	Kind    string // draft, signed, attachment, scan
	Name    string
	BlobKey string
	SHA256  string
	Size    int64
}

// SignInput is the leader's signature: the PDF with their PAdES signature, and the form
// under which they sign.
type SignInput struct {
	Signed FileInput
	Form   SigningForm
	Title  string // e.g. "PHÓ CHỦ TỊCH"
}

// Sign records the leader's digital signature. A deputy signs KT. (on behalf of the
// head); anyone else needs a delegation from the head that covers the document's type
// today — and a delegated authority cannot be delegated again. A draft that names its
// signer is signed by them, or by someone holding their delegation.
func (e *Engine) Sign(ctx context.Context, actor Actor, docID string, in SignInput, requestID string) (Document, error) {
	if !in.Form.valid() {
		return Document{}, invalid("form", "unknown signing form %q", in.Form)
	}
	// The document first: to whoever may not see it, it does not exist, delegation or not.
	return e.documentTx(ctx, actor, docID, ActionSign, requestID, func(c *change, d *Document) error {
		form := in.Form
		delegated := !slices.Contains(OutgoingLifecycle[ActionSign].Roles, actor.Role) ||
			(d.IntendedSignerID != "" && d.IntendedSignerID != actor.UserID)
		if delegated {
			delegation, err := c.activeDelegation(ctx, d.TypeCode, d.IntendedSignerID)
			if err != nil {
				return err
			}
			form = delegation.Form
		}
		return c.step(ctx, d, delegated, func(c *change, d *Document) error {
			if actor.Role == RoleDeputyLeader && form == SignsAsHead {
				form = SignsOnBehalf
			}
			d.SignerID, d.SigningForm, d.SignerTitle = actor.UserID, form, in.Title
			return c.addFile(ctx, d.ID, in.Signed, "signed")
		})
	})
}

// activeDelegation finds the delegation that lets the actor sign a document of typeCode
// now; from, when not empty, is the leader it must come from (the draft's named signer).
func (c *change) activeDelegation(ctx context.Context, typeCode, from string) (*Delegation, error) {
	actor := c.actor
	ds, err := c.q.DelegationListTo(ctx, actor.UserID, actor.AgencyID)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	now := c.now
	expired := false
	for i := range ds {
		if from != "" && ds[i].FromUser != from {
			continue
		}
		if ds[i].Covers(typeCode, now) {
			return &ds[i], nil
		}
		expired = expired || !now.Before(ds[i].ValidTo)
	}
	switch {
	case expired:
		return nil, refuse(ActionSign, ReasonDelegationExpired, "the delegation to sign has expired")
	case from != "":
		return nil, refuse(ActionSign, ReasonNotAssigned, "the draft names another leader to sign; only they or their delegate sign it")
	}
	return nil, refuse(ActionSign, ReasonWrongRole, "a %s cannot sign without a delegation", actor.Role)
}

// Delegate lets the head of an agency authorise another person to sign for them
// (TUQ., TL.) within a scope and until a date.
func (e *Engine) Delegate(ctx context.Context, actor Actor, toUser string, form SigningForm, typeCodes []string, validTo time.Time) (Delegation, error) {
	now := e.timestamp()
	d := Delegation{ID: NewID(), AgencyID: actor.AgencyID, FromUser: actor.UserID, ToUser: toUser, Form: form,
		TypeCodes: typeCodes, ValidFrom: now, ValidTo: validTo.UTC().Truncate(time.Microsecond), CreatedAt: now}
	switch {
	case form != SignsByAuthorization && form != SignsByOrder && form != SignsOnBehalf:
		return Delegation{}, invalid("form", "a delegation signs KT., TL. or TUQ., not %q", form)
	case !validTo.After(now):
		return Delegation{}, invalid("valid_to", "a delegation must end in the future")
	case toUser == actor.UserID:
		return Delegation{}, invalid("to_user", "cannot delegate to oneself")
	}
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "delegate", now: now}
		if err := c.authorize(ctx, actor.AgencyID); err != nil {
			return err
		}
		if actor.Role != RoleLeader {
			return refuse("delegate", ReasonWrongRole, "only the head of the agency delegates signing")
		}
		if _, err := q.UserGetByID(ctx, toUser); err != nil {
			return fmt.Errorf("delegate to: %w", err)
		}
		if err := q.DelegationInsert(ctx, &d); err != nil {
			return err
		}
		c.audit(actor.AgencyID, "delegation", d.ID, nil, map[string]any{"to": toUser, "form": form, "types": typeCodes, "valid_to": d.ValidTo})
		return c.finish(ctx, "", d.ID)
	})
	if err != nil {
		return Delegation{}, fmt.Errorf("delegate: %w", err)
	}
	return d, nil
}

// Issue is the clerk's cấp số: the next number of the agency's outgoing register (its
// own series for classified documents, or per type when the agency numbers so), the
// notation and the date, in the same transaction as the state change so that a failure
// leaves no gap.
func (e *Engine) Issue(ctx context.Context, actor Actor, docID, requestID string) (Document, error) {
	return e.transition(ctx, actor, docID, ActionIssue, requestID, func(c *change, d *Document) error {
		return c.number(ctx, d)
	})
}

// number gives d the next number of its agency's outgoing register, its notation and date.
func (c *change) number(ctx context.Context, d *Document) error {
	agency, err := c.q.AgencyGetByID(ctx, d.AgencyID)
	if err != nil {
		return err
	}
	d.Year = c.now.In(vietnam).Year()
	d.Series = ""
	switch {
	case d.Classification != Unclassified:
		d.Series = SeriesSecret
	case agency.NumberingPerType:
		d.Series = "type:" + d.TypeCode
	}
	d.Number, err = c.q.RegisterNextNumber(ctx, d.AgencyID, d.Year, RegisterOutgoing, d.Series)
	if err != nil {
		return fmt.Errorf("number: %w", err)
	}
	unitShort := ""
	if d.TypeCode == "" && d.DraftingUnitID != "" {
		unit, err := c.q.UnitGetByID(ctx, d.DraftingUnitID)
		if err != nil {
			return err
		}
		unitShort = unit.ShortName
	}
	d.Notation = Notation(d.Number, d.TypeCode, agency.ShortName, unitShort)
	d.IssuedAt = &c.now
	return nil
}

// SealFunc makes the agency's signature of a numbered document: the sealed PDF, already
// stored, that carries d's number, notation and date.
type SealFunc func(ctx context.Context, d Document) (FileInput, error)

// IssueAndSeal is the clerk's issuing as one step: the number (Issue) and the agency's
// signature (AgencySign) in one transaction, seal running in between because the agency
// signs the number and date. A failure anywhere leaves the document signed and
// unnumbered — never numbered without its seal — and the register without a gap. A
// document numbered by an earlier Issue is only sealed.
func (e *Engine) IssueAndSeal(ctx context.Context, actor Actor, docID, requestID string, seal SealFunc) (Document, error) {
	return e.documentTx(ctx, actor, docID, ActionAgencySign, requestID, func(c *change, d *Document) error {
		if d.State != StateNumbered {
			c.action = ActionIssue
			if err := c.step(ctx, d, false, func(c *change, d *Document) error { return c.number(ctx, d) }); err != nil {
				return err
			}
			c.action = ActionAgencySign
		}
		return c.step(ctx, d, false, func(c *change, d *Document) error {
			sealed, err := seal(ctx, *d)
			if err != nil {
				return err
			}
			return c.addFile(ctx, d.ID, sealed, "signed")
		})
	})
}

// AgencySign records the agency's signature (the clerk's, with the agency key and seal).
func (e *Engine) AgencySign(ctx context.Context, actor Actor, docID string, signed FileInput, requestID string) (Document, error) {
	return e.transition(ctx, actor, docID, ActionAgencySign, requestID, func(c *change, d *Document) error {
		return c.addFile(ctx, d.ID, signed, "signed")
	})
}

func (c *change) addFile(ctx context.Context, docID string, in FileInput, defaultKind string) error {
	if in.BlobKey == "" || in.SHA256 == "" {
		return invalid("file", "a stored file (blob key and SHA-256) is required")
	}
	kind := in.Kind
	if kind == "" {
		kind = defaultKind
	}
	f := File{DocumentID: docID, Kind: kind, Name: in.Name, BlobKey: in.BlobKey, SHA256: in.SHA256, Size: in.Size,
		CreatedBy: c.actor.UserID, CreatedAt: c.now}
	if c.actor == System {
		f.CreatedBy = ""
	}
	if err := c.q.FileInsert(ctx, &f); err != nil {
		return fmt.Errorf("file: %w", err)
	}
	return nil
}

// Who may add a file, and while the document is in which states: drafts and their
// versions are the drafters' and reviewers' work until the text is approved; a scan or an
// attachment of an incoming document is the clerk's, until it is presented. Anything later
// would change what was signed, approved or handed to a leader.
var (
	outgoingFileRoles  = []Role{RoleSpecialist, RoleUnitHead, RoleClerk, RoleLeader, RoleDeputyLeader}
	outgoingFileStates = []State{StateDraft, StateReturned, StateInReview}
	incomingFileRoles  = []Role{RoleClerk}
	incomingFileStates = []State{StateReceived, StateRegistered}
)

// mayAddFile refuses a file for a role or a state the rules above do not allow: the
// role first (403), then the state (409).
func (c *change) mayAddFile(d Document) error {
	roles, states := outgoingFileRoles, outgoingFileStates
	if d.Flow == Incoming {
		roles, states = incomingFileRoles, incomingFileStates
	}
	if c.actor != System && !slices.Contains(roles, c.actor.Role) {
		return refuse(c.action, ReasonWrongRole, "a %s cannot add a file to an %s document", c.actor.Role, d.Flow)
	}
	if !slices.Contains(states, d.State) {
		return refuse(c.action, ReasonWrongState, "document is %s", d.State)
	}
	return nil
}

// AddFile attaches a file (draft version, attachment) to a document of the actor's
// agency, for the roles and states mayAddFile allows. A retry of requestID returns the
// file the first attempt added.
func (e *Engine) AddFile(ctx context.Context, actor Actor, docID string, in FileInput, requestID string) (File, error) {
	var f File
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "add_file", now: e.timestamp()}
		if done, err := c.replayed(ctx, requestID, docID); err != nil || done {
			if err == nil {
				f, err = c.addedFile(ctx, docID, in)
			}
			return err
		}
		d, err := c.documentForActor(ctx, docID)
		if err != nil {
			return err
		}
		if err := c.mayAddFile(d); err != nil {
			return err
		}
		if err := c.addFile(ctx, docID, in, "attachment"); err != nil {
			return err
		}
		// Read in the transaction: a file added concurrently cannot pass for this one.
		files, err := q.FileListByDocument(ctx, docID)
		if err != nil {
			return err
		}
		f = files[len(files)-1]
		c.audit(d.AgencyID, "document_file", d.ID, nil, in)
		if err := c.finish(ctx, requestID, d.ID); err != nil {
			return err
		}
		return c.reply(ctx, requestID, f)
	})
	if err != nil {
		return File{}, fmt.Errorf("add file: %w", err)
	}
	return f, nil
}

// addedFile is the latest file of a document with in's content: what a request that
// added in added.
func (c *change) addedFile(ctx context.Context, docID string, in FileInput) (File, error) {
	files, err := c.q.FileListByDocument(ctx, docID)
	if err != nil {
		return File{}, err
	}
	for i := len(files) - 1; i >= 0; i-- {
		if files[i].SHA256 == in.SHA256 {
			return files[i], nil
		}
	}
	return File{}, fmt.Errorf("the request added another file: %w", ErrConflict)
}

// Dispatch sends an issued, agency-signed document to recipient agencies on this
// instance: each gets its incoming copy at once, in state received, and the sender sees a
// delivery per recipient.
func (e *Engine) Dispatch(ctx context.Context, actor Actor, docID string, recipientIDs []string, requestID string) (Document, error) {
	return e.DispatchTo(ctx, actor, docID, DispatchInput{AgencyIDs: recipientIDs}, requestID)
}

// DispatchInput names the recipients of a dispatch: agencies on this instance, and
// agencies of the national exchange axis's directory by code.
type DispatchInput struct {
	AgencyIDs     []string
	ExternalCodes []string
}

// DispatchTo is Dispatch to recipients on this instance and on the axis (axis.go).
func (e *Engine) DispatchTo(ctx context.Context, actor Actor, docID string, to DispatchInput, requestID string) (Document, error) {
	recipients := slices.Clone(to.AgencyIDs)
	// A missing document is reported by the transition below.
	d, _ := e.store.DocumentGetByID(ctx, docID)
	external, err := axisRecipients(ctx, e.store, d, to.ExternalCodes)
	if err != nil {
		return Document{}, err
	}
	if len(recipients) == 0 {
		// A correction or replacement goes to whoever received the original.
		if d.ReplacesID != "" {
			old, err := e.store.DeliveryListByOutgoing(ctx, d.ReplacesID)
			if err != nil {
				return Document{}, err
			}
			for _, del := range old {
				recipients = append(recipients, del.RecipientAgencyID)
			}
		}
	}
	// A document addressed to a dissolved agency goes to its successor.
	recipients, err = e.currentAgencies(ctx, recipients)
	if err != nil {
		return Document{}, err
	}
	slices.Sort(recipients)
	recipients = slices.Compact(recipients)
	return e.transition(ctx, actor, docID, ActionDispatch, requestID, func(c *change, d *Document) error {
		// Checked once the actor may see the document: another agency's is not found.
		if len(recipients) == 0 && len(external) == 0 {
			return invalid("recipients", "a document needs at least one recipient")
		}
		if err := c.noteReplacement(ctx, d); err != nil {
			return err
		}
		if err := c.dispatchAxis(ctx, d, external); err != nil {
			return err
		}
		sender, err := c.q.AgencyGetByID(ctx, d.AgencyID)
		if err != nil {
			return err
		}
		files, err := c.q.FileListByDocument(ctx, d.ID)
		if err != nil {
			return err
		}
		for _, rid := range recipients {
			if rid == d.AgencyID {
				return invalid("recipients", "an agency does not send a document to itself")
			}
			if _, err := c.q.AgencyGetByID(ctx, rid); err != nil {
				return fmt.Errorf("recipient %s: %w", rid, err)
			}
			in := Document{ID: NewID(), AgencyID: rid, Flow: Incoming, State: StateReceived, Version: 1,
				TypeCode: d.TypeCode, Subject: d.Subject, Urgency: d.Urgency, Classification: d.Classification,
				Year: c.now.In(vietnam).Year(), ReceivedAt: &c.now, SourceID: d.ID, SenderName: sender.Name,
				SenderNotation: d.Notation, SignerTitle: d.SignerTitle, CreatedAt: c.now, UpdatedAt: c.now}
			if err := c.q.DocumentInsert(ctx, &in); err != nil {
				return err
			}
			for _, f := range files {
				if f.Kind == "draft" {
					continue // drafts stay with the sender
				}
				copyIn := FileInput{Kind: f.Kind, Name: f.Name, BlobKey: f.BlobKey, SHA256: f.SHA256, Size: f.Size}
				if err := (&change{q: c.q, actor: System, now: c.now}).addFile(ctx, in.ID, copyIn, f.Kind); err != nil {
					return err
				}
			}
			del := Delivery{ID: NewID(), OutgoingID: d.ID, RecipientAgencyID: rid, IncomingID: in.ID,
				Status: DeliveryDelivered, UpdatedAt: c.now}
			if err := c.q.DeliveryInsert(ctx, &del); err != nil {
				return err
			}
			c.events = append(c.events, Event{AgencyID: rid, At: c.now, ActorID: c.actor.UserID, Role: c.actor.Role,
				Action: "receive", ObjectType: "document", ObjectID: in.ID, After: snapshot(summary(in))})
		}
		return nil
	})
}

// noteReplacement tells the recipients of the original, on their copies, that it was
// corrected or replaced and by which document.
func (c *change) noteReplacement(ctx context.Context, d *Document) error {
	if d.ReplacesID == "" {
		return nil
	}
	word := "Đính chính bởi văn bản số "
	if d.ReplaceKind == "replace" {
		word = "Thay thế bởi văn bản số "
	}
	old, err := c.q.DeliveryListByOutgoing(ctx, d.ReplacesID)
	if err != nil {
		return err
	}
	for _, del := range old {
		del.Reason, del.UpdatedAt = word+d.Notation, c.now
		if err := c.q.DeliveryUpdate(ctx, &del); err != nil {
			return err
		}
		in, err := c.q.DocumentGetByID(ctx, del.IncomingID)
		if err != nil {
			return err
		}
		prev := in.Version
		in.Note, in.Version, in.UpdatedAt = word+d.Notation, in.Version+1, c.now
		if err := c.q.DocumentUpdate(ctx, &in, prev); err != nil {
			return err
		}
		c.events = append(c.events, Event{AgencyID: in.AgencyID, At: c.now, ActorID: c.actor.UserID, Role: c.actor.Role,
			Action: d.ReplaceKind, ObjectType: "document", ObjectID: in.ID, After: snapshot(map[string]any{"note": in.Note})})
	}
	return nil
}

// Recall withdraws a dispatched document (thu hồi): every recipient's copy is cancelled
// and the reason reaches each of them.
func (e *Engine) Recall(ctx context.Context, actor Actor, docID, reason, requestID string) (Document, error) {
	if reason == "" {
		return Document{}, invalid("reason", "a recall needs a reason")
	}
	return e.transition(ctx, actor, docID, ActionRecall, requestID, func(c *change, d *Document) error {
		d.Note = reason
		if err := c.recallAxis(ctx, d, reason); err != nil {
			return err
		}
		deliveries, err := c.q.DeliveryListByOutgoing(ctx, d.ID)
		if err != nil {
			return err
		}
		for _, del := range deliveries {
			if del.Status == DeliveryReturned {
				continue
			}
			del.Status, del.Reason, del.UpdatedAt = DeliveryRecalled, reason, c.now
			if err := c.q.DeliveryUpdate(ctx, &del); err != nil {
				return err
			}
			in, err := c.q.DocumentGetByID(ctx, del.IncomingID)
			if err != nil {
				return err
			}
			if !IncomingLifecycle[ActionCancel].allowsFrom(in.State) {
				continue // already filed or returned: nothing left to cancel
			}
			before, prev := summary(in), in.Version
			in.State, in.Version, in.Note, in.UpdatedAt = StateCancelled, in.Version+1, "Thu hồi: "+reason, c.now
			if err := c.q.DocumentUpdate(ctx, &in, prev); err != nil {
				return err
			}
			c.events = append(c.events, Event{AgencyID: in.AgencyID, At: c.now, ActorID: c.actor.UserID, Role: c.actor.Role,
				Action: string(ActionCancel), ObjectType: "document", ObjectID: in.ID, Before: snapshot(before),
				After: snapshot(map[string]any{"state": in.State, "reason": reason})})
		}
		return nil
	})
}

// Deliveries lists where an outgoing document stands with each recipient, for its sender.
func (e *Engine) Deliveries(ctx context.Context, actor Actor, docID string) ([]Delivery, error) {
	d, err := e.store.DocumentGetByID(ctx, docID)
	if err != nil {
		return nil, err
	}
	if d.AgencyID != actor.AgencyID {
		return nil, fmt.Errorf("deliveries: %w", ErrNotFound)
	}
	return e.store.DeliveryListByOutgoing(ctx, docID)
}
