// Package keyring keeps the signing keys of people and agencies and signs documents with
// them the way Decree 30 orders it: the leader signs the approved draft with a personal
// key and a visible signature (ký số của người có thẩm quyền), then the clerk numbers the
// document and applies the agency's key with the seal (ký số của cơ quan, tổ chức).
//
// A key is a PKCS#12 file kept in the blob store, encrypted under its PIN, or an object
// on a PKCS#11 token; a table of the database says which. The PIN is asked for every
// signature: it is never stored, and never logged.
package keyring

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/appearance"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/signer/keys"
	"github.com/vanthu/vanthu/signer/pades"
	"github.com/vanthu/vanthu/signer/pdf"
	"github.com/vanthu/vanthu/storage/blob"
)

// Errors of the keyring. ErrWrongPIN and ErrNoKey wrap engine kinds, so that the API maps
// them to 422 and 404 without knowing this package.
var (
	ErrWrongPIN = fmt.Errorf("keyring: wrong PIN: %w", engine.ErrInvalid)
	ErrNoKey    = fmt.Errorf("keyring: no signing key: %w", engine.ErrNotFound)
	ErrNoDraft  = fmt.Errorf("keyring: the document has no draft PDF to sign: %w", engine.ErrInvalid)
)

// maxPDF bounds what is read from the blob store for signing.
const maxPDF = 64 << 20

// Config is what the keyring needs.
type Config struct {
	Engine *engine.Engine
	Store  engine.Store
	Blobs  blob.Store
	// Timestamper and Revocation raise signatures to B-T and B-LT; without them they are B-B.
	Timestamper       pades.Timestamper
	Revocation        pades.RevocationSource
	ExtraCertificates []*x509.Certificate
	// Location is written into signatures, e.g. "Hòa Bình".
	Location string
	// Placer says where the leader's signature goes on a draft; DefaultPlacer when nil.
	Placer Placer
	Logger *slog.Logger
}

// Layout is where a draft's signatures and issue data go.
type Layout struct {
	// Signature is the space for the leader's handwritten signature; the seal covers its
	// left third.
	Signature docpdf.Placement
	// Blanks are the number and date blanks of the first page, written by the agency's
	// signature; nil when the draft has none (the number is then in the signature's reason).
	Blanks *docpdf.IssueBlanks
}

// Placer finds the layout of a document's draft. It must give the same answer for the same
// draft: the seal is placed from the leader's signature it computes again.
type Placer func(ctx context.Context, doc engine.Document, draft []byte) (Layout, error)

// Keyring signs with the keys of people and agencies.
type Keyring struct {
	cfg   Config
	level pades.Level
}

// New returns a keyring.
func New(cfg Config) *Keyring {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Placer == nil {
		cfg.Placer = DefaultPlacer
	}
	k := &Keyring{cfg: cfg, level: pades.LevelBB}
	switch {
	case cfg.Timestamper != nil && cfg.Revocation != nil:
		k.level = pades.LevelBLT
	case cfg.Timestamper != nil:
		k.level = pades.LevelBT
	}
	return k
}

// SignOptions refine a leader's signature.
type SignOptions struct {
	// Title is the authority and position as printed, e.g. "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH";
	// the membership's title when empty.
	Title string
	Form  engine.SigningForm
}

// SignAsLeader signs the document's latest draft PDF with the actor's personal key and a
// visible signature, then records the signature (Engine.Sign). A wrong PIN is ErrWrongPIN
// and changes nothing.
func (k *Keyring) SignAsLeader(ctx context.Context, actor engine.Actor, docID, pin, requestID string) (engine.Document, error) {
	return k.SignAsLeaderWith(ctx, actor, docID, pin, requestID, SignOptions{})
}

// SignAsLeaderWith is SignAsLeader with a title and signing form.
func (k *Keyring) SignAsLeaderWith(ctx context.Context, actor engine.Actor, docID, pin, requestID string, opts SignOptions) (engine.Document, error) {
	doc, done, err := k.replayed(ctx, actor, docID, requestID, engine.ActionSign)
	if err != nil || done {
		return doc, err
	}
	if opts.Title == "" {
		opts.Title = k.membershipTitle(ctx, actor)
	}
	draft, err := k.latestFile(ctx, docID, "draft")
	if err != nil {
		return engine.Document{}, err
	}
	key, ref, closeKey, err := k.open(ctx, engine.KeyOwnerUser, actor.UserID, pin)
	if err != nil {
		return engine.Document{}, err
	}
	defer closeKey()
	_, look, err := k.leaderLook(ctx, doc, draft, ref)
	if err != nil {
		return engine.Document{}, err
	}
	file, err := k.signAndKeep(ctx, draft, key, look, "Ký ban hành", "ky-lanh-dao.pdf")
	if err != nil {
		return engine.Document{}, fmt.Errorf("leader signature: %w", err)
	}
	return k.cfg.Engine.Sign(ctx, actor, docID, engine.SignInput{Signed: file, Form: opts.Form, Title: opts.Title}, requestID)
}

// IssueAndSeal is the clerk's part: number the signed document and sign it with the
// agency's key and seal, writing the number and date into the draft's blanks, in one
// engine step (Engine.IssueAndSeal). Everything that needs no number — the key, opened
// first so that a wrong PIN takes no number, the files, the layout and where the number
// and date go — is ready before the numbering transaction starts, which then holds the
// register only while signing. A draft with no blank for them is ErrNoBlanks.
func (k *Keyring) IssueAndSeal(ctx context.Context, actor engine.Actor, docID, pin, requestID string) (engine.Document, error) {
	return k.IssueAndSealWith(ctx, actor, docID, pin, requestID, IssueOptions{})
}

// IssueAndSealWith is IssueAndSeal with the clerk's placement of the number and date.
func (k *Keyring) IssueAndSealWith(ctx context.Context, actor engine.Actor, docID, pin, requestID string, opts IssueOptions) (engine.Document, error) {
	doc, done, err := k.replayed(ctx, actor, docID, requestID, engine.ActionAgencySign)
	if err != nil || done {
		return doc, err
	}
	key, ref, closeKey, err := k.open(ctx, engine.KeyOwnerAgency, doc.AgencyID, pin)
	if err != nil {
		return engine.Document{}, err
	}
	defer closeKey()
	leaderSigned, err := k.latestFile(ctx, docID, "signed")
	if err != nil {
		return engine.Document{}, err
	}
	draft, err := k.latestFile(ctx, docID, "draft")
	if err != nil {
		return engine.Document{}, err
	}
	layout, leader, err := k.layout(ctx, doc, draft)
	if err != nil {
		return engine.Document{}, err
	}
	text, err := k.issueText(ctx, layout, draft, opts.Placement)
	if err != nil {
		return engine.Document{}, err
	}
	seal, err := k.image(ctx, ref, DefaultSeal)
	if err != nil {
		return engine.Document{}, err
	}
	return k.cfg.Engine.IssueAndSeal(ctx, actor, docID, requestID, func(ctx context.Context, doc engine.Document) (engine.FileInput, error) {
		issued := *doc.IssuedAt
		reason := "Số: " + doc.Notation + ", ngày " + issued.In(vietnam).Format("02/01/2006")
		if err := text.checkPrinted(issued); err != nil {
			return engine.FileInput{}, err // the transaction rolls back: no number is taken
		}
		pdf, stamps := leaderSigned, text.stamps(doc.Number, doc.Notation, issued)
		if layout.Signature.Page != 0 && len(stamps) > 0 {
			// An appearance lives on one page: the number and date on the first page get an
			// agency signature of their own before the seal's on the signature page.
			look, err := appearance.Stamps(0, stamps)
			if err != nil {
				return engine.FileInput{}, err
			}
			if pdf, err = k.sign(ctx, pdf, key, look, reason); err != nil {
				return engine.FileInput{}, fmt.Errorf("agency signature of the number and date: %w", err)
			}
			stamps = nil
		}
		look, err := appearance.Agency(appearance.AgencyOptions{Page: layout.Signature.Page, Seal: seal,
			SignatureRect: leader.ImageRect(), Stamps: stamps})
		if err != nil {
			return engine.FileInput{}, err
		}
		file, err := k.signAndKeep(ctx, pdf, key, look, reason, strings.ReplaceAll(doc.Notation, "/", "-")+".pdf")
		if err != nil {
			return engine.FileInput{}, fmt.Errorf("agency signature: %w", err)
		}
		return file, nil
	})
}

// replayed reads the document for the actor and reports whether requestID already did
// its last transaction (action): a retry gets the document rather than signing again (a second
// signature would only be thrown away by the engine's own replay check).
func (k *Keyring) replayed(ctx context.Context, actor engine.Actor, docID, requestID string, action engine.Action) (engine.Document, bool, error) {
	doc, err := k.document(ctx, actor, docID)
	if err != nil || requestID == "" {
		return doc, false, err
	}
	rec, err := k.cfg.Store.RequestLogGet(ctx, requestID)
	switch {
	case errors.Is(err, engine.ErrNotFound):
		return doc, false, nil
	case err != nil:
		return engine.Document{}, false, fmt.Errorf("keyring: request log: %w", err)
	case rec.ActorID != actor.UserID || rec.ObjectID != docID || rec.Action != action:
		return engine.Document{}, false, fmt.Errorf("keyring: request id %q was used for another request: %w", requestID, engine.ErrConflict)
	}
	return doc, true, nil
}

// Placement is where the leader's signature and the seal will go on a document's latest
// draft, for a preview.
func (k *Keyring) Placement(ctx context.Context, actor engine.Actor, docID string) (Layout, error) {
	doc, err := k.document(ctx, actor, docID)
	if err != nil {
		return Layout{}, err
	}
	draft, err := k.latestFile(ctx, docID, "draft")
	if err != nil {
		return Layout{}, err
	}
	return k.cfg.Placer(ctx, doc, draft)
}

var vietnam = time.FixedZone("ICT", 7*3600)

// IssueStamps writes the number and date the clerk gave into the draft's blanks, as part
// of the agency's signature: the leader signed before there was a number (Decree 30,
// Art. 15), and the agency's signature certifies it. A zero Blank (a part the draft
// already prints) gets nothing.
//
// An appearance lives on one page: when sigPage is not the first page, where the blanks
// are, it returns nil (IssueAndSeal then writes them with a signature of their own).
func IssueStamps(sigPage int, b docpdf.IssueBlanks, number int, issued time.Time) []appearance.Stamp {
	if sigPage != 0 {
		return nil
	}
	t := issued.In(vietnam)
	month := fmt.Sprint(int(t.Month()))
	if t.Month() <= time.February {
		month = fmt.Sprintf("%02d", int(t.Month()))
	}
	var out []appearance.Stamp
	stamp := func(bl docpdf.Blank, text string) {
		if bl != (docpdf.Blank{}) {
			out = append(out, appearance.Stamp{X: bl.X + 2, Y: bl.Y, Size: bl.Size, Text: text})
		}
	}
	stamp(b.Number, fmt.Sprintf("%02d", number))
	stamp(b.Day, fmt.Sprintf("%02d", t.Day()))
	stamp(b.Month, month)
	stamp(b.Year, fmt.Sprint(t.Year()))
	return out
}

// DefaultPlacer puts the signature in the right column above the bottom margin of the last
// page, where Decree 30's layouts keep the signature block, for drafts that carry no
// layout of their own.
func DefaultPlacer(_ context.Context, _ engine.Document, draft []byte) (Layout, error) {
	last := pageCount(draft) - 1
	box, err := signer.PageBox(draft, last)
	if err != nil {
		return Layout{}, fmt.Errorf("keyring: the draft has no readable page: %w: %w", engine.ErrInvalid, err)
	}
	const mm = 72 / 25.4
	right, bottom := box[2]-20*mm, box[1]+30*mm
	return Layout{Signature: docpdf.Placement{Page: last,
		Rect: [4]float64{right - appearance.DefaultLeaderWidth, bottom, right, bottom + appearance.DefaultSignatureHeight}}}, nil
}

// document reads a document for an actor of its agency; another agency's is ErrNotFound,
// as everywhere in the engine.
func (k *Keyring) document(ctx context.Context, actor engine.Actor, docID string) (engine.Document, error) {
	doc, err := k.cfg.Store.DocumentGetByID(ctx, docID)
	if err != nil {
		return engine.Document{}, fmt.Errorf("keyring: document: %w", err)
	}
	if doc.AgencyID != actor.AgencyID {
		return engine.Document{}, fmt.Errorf("keyring: document: %w", engine.ErrNotFound)
	}
	return doc, nil
}

func (k *Keyring) membershipTitle(ctx context.Context, actor engine.Actor) string {
	ms, err := k.cfg.Store.MembershipListByUser(ctx, actor.UserID)
	if err != nil {
		return ""
	}
	for _, m := range ms {
		if m.AgencyID == actor.AgencyID && m.Role == actor.Role {
			return m.Title
		}
	}
	return ""
}

// latestFile reads the newest file of a kind of a document.
func (k *Keyring) latestFile(ctx context.Context, docID, kind string) ([]byte, error) {
	files, err := k.cfg.Store.FileListByDocument(ctx, docID)
	if err != nil {
		return nil, fmt.Errorf("keyring: files: %w", err)
	}
	var latest *engine.File
	for i := range files {
		if files[i].Kind == kind && (latest == nil || files[i].Seq > latest.Seq) {
			latest = &files[i]
		}
	}
	if latest == nil {
		if kind == "draft" {
			return nil, ErrNoDraft
		}
		return nil, fmt.Errorf("keyring: the document has no %s PDF: %w", kind, engine.ErrInvalid)
	}
	return k.readBlob(ctx, latest.BlobKey, latest.Size)
}

// readBlob reads a blob whole. size, when known (else 0), sizes the buffer once: growing
// it as the bytes come would allocate about twice the file.
func (k *Keyring) readBlob(ctx context.Context, key string, size int64) ([]byte, error) {
	rc, err := k.cfg.Blobs.Open(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("keyring: read %s: %w", key, err)
	}
	defer rc.Close()
	r := io.LimitReader(rc, maxPDF+1)
	buf := make([]byte, 0, min(max(size, 0), maxPDF)+1) // one byte more to read the end without growing
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // a wrong size: let append grow it
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("keyring: read %s: %w", key, err)
		}
	}
	if len(buf) > maxPDF {
		return nil, fmt.Errorf("keyring: %s is larger than %d MiB: %w", key, maxPDF>>20, engine.ErrInvalid)
	}
	return buf, nil
}

// layout is the draft's layout and the leader's appearance in it, computed again from the
// signer's image so that the seal lands where the signature is.
func (k *Keyring) layout(ctx context.Context, doc engine.Document, draft []byte) (Layout, *appearance.Appearance, error) {
	ref, err := k.cfg.Store.SigningKeyGetActive(ctx, engine.KeyOwnerUser, doc.SignerID)
	if err != nil && !errors.Is(err, engine.ErrNotFound) {
		return Layout{}, nil, fmt.Errorf("keyring: %w", err)
	}
	return k.leaderLook(ctx, doc, draft, ref)
}

// leaderLook is the draft's layout and the appearance of the signature of the key ref.
func (k *Keyring) leaderLook(ctx context.Context, doc engine.Document, draft []byte, ref engine.SigningKey) (Layout, *appearance.Appearance, error) {
	layout, err := k.cfg.Placer(ctx, doc, draft)
	if err != nil {
		return Layout{}, nil, err
	}
	img, err := k.image(ctx, ref, DefaultSignature)
	if err != nil {
		return Layout{}, nil, err
	}
	look, err := appearance.SignatureOnly(layout.Signature.Page, layout.Signature.Rect, img)
	if err != nil {
		return Layout{}, nil, err
	}
	return layout, look, nil
}

// image is the key's signature or seal image, or the generic one.
func (k *Keyring) image(ctx context.Context, ref engine.SigningKey, fallback func() []byte) ([]byte, error) {
	if ref.ImageKey == "" {
		return fallback(), nil
	}
	return k.readBlob(ctx, ref.ImageKey, 0)
}

// sign signs at the keyring's level, returning the signed file. B-LT is reached when the
// revocation data can be had: the signature is made at B-T, then the certificates' OCSP
// responses or CRLs are added; when no responder answers, the signature stays B-T (a
// validator fetches them later) rather than the leader's or clerk's work failing on a
// CA's outage.
func (k *Keyring) sign(ctx context.Context, pdf []byte, key keys.Key, look *appearance.Appearance, reason string) ([]byte, error) {
	out, err := signInMemory(ctx, pdf, k.request(key, look, reason))
	if err != nil || k.level < pades.LevelBLT {
		return out, err
	}
	lt, err := pades.Extend(ctx, out, pades.LevelBLT, k.extendOptions(key))
	if err != nil {
		return out, k.staysBT(ctx, key, err)
	}
	return lt, nil
}

// signAndKeep is sign storing the signed file (keepSigned) as a document's signed file.
func (k *Keyring) signAndKeep(ctx context.Context, pdf []byte, key keys.Key, look *appearance.Appearance, reason, name string) (engine.FileInput, error) {
	obj, err := k.keepSigned(ctx, pdf, k.request(key, look, reason), blob.PutOptions{ContentType: "application/pdf"})
	if err != nil {
		return engine.FileInput{}, err
	}
	return engine.FileInput{Kind: "signed", Name: name, BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}, nil
}

// keepSigned signs pdf with req (a request at B-T at most, as request makes it) at the
// keyring's level, as sign does, and stores the signed file with opts, written through
// into the blob store as it is made rather than built in memory first: pdf is hashed once
// on its way, and what is held besides it is the signature's update (at B-LT, also the
// file signed at B-T, which its validation data must name).
func (k *Keyring) keepSigned(ctx context.Context, pdf []byte, req signer.Request, opts blob.PutOptions) (blob.Object, error) {
	return k.putStream(ctx, opts, func(w io.Writer) error {
		if k.level < pades.LevelBLT {
			_, err := signer.Sign(ctx, w, pdf, req)
			return pinError(err)
		}
		signed, err := signInMemory(ctx, pdf, req)
		if err != nil {
			return err
		}
		n, err := pades.ExtendTo(ctx, w, signed, pades.LevelBLT, k.extendOptions(req.Key))
		if err == nil || n > 0 {
			return err
		}
		if err := k.staysBT(ctx, req.Key, err); err != nil {
			return err
		}
		_, err = w.Write(signed) // ExtendTo wrote nothing: the B-T file goes alone
		return err
	})
}

// signInMemory signs pdf with req into memory, for a signature that is not the file's
// last: the validation data of B-LT, or the seal after the number's stamp, is added on top.
func signInMemory(ctx context.Context, pdf []byte, req signer.Request) ([]byte, error) {
	var out bytes.Buffer // grown once, to the signed file's size, by Sign
	if _, err := signer.Sign(ctx, &out, pdf, req); err != nil {
		return nil, pinError(err)
	}
	return out.Bytes(), nil
}

// request is a signature at the keyring's level, B-T at most: B-LT is added by Extend.
func (k *Keyring) request(key keys.Key, look *appearance.Appearance, reason string) signer.Request {
	return signer.Request{Key: key, Level: min(k.level, pades.LevelBT), Timestamper: k.cfg.Timestamper,
		ExtraCertificates: k.cfg.ExtraCertificates, Appearance: look, Reason: reason, Location: k.cfg.Location}
}

func (k *Keyring) extendOptions(key keys.Key) pades.ExtendOptions {
	return pades.ExtendOptions{Timestamper: k.cfg.Timestamper, Revocation: k.cfg.Revocation,
		Certificates: append(slices.Clone(key.Chain()), k.cfg.ExtraCertificates...)}
}

// staysBT decides on a failed extension to B-LT: a cancelled request fails, a responder's
// outage leaves the signature at B-T (nil).
func (k *Keyring) staysBT(ctx context.Context, key keys.Key, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("keyring: add revocation data: %w", ctx.Err())
	}
	k.cfg.Logger.WarnContext(ctx, "keyring: no revocation data could be had; the signature stays at B-T",
		"signer", key.Certificate().Subject.CommonName, "error", err)
	return nil
}

// errPutEnded tells a writer that the blob store stopped reading.
var errPutEnded = errors.New("keyring: the blob store stopped reading")

// putStream stores what write writes with opts, through a pipe: the blob store reads,
// hashes and spools the bytes as they are made. A failed write stores nothing and is the
// error.
func (k *Keyring) putStream(ctx context.Context, opts blob.PutOptions, write func(io.Writer) error) (blob.Object, error) {
	pr, pw := io.Pipe()
	wrote := make(chan error, 1)
	go func() {
		err := write(pw)
		pw.CloseWithError(err) // nil: the store reads io.EOF
		wrote <- err
	}()
	obj, putErr := k.cfg.Blobs.Put(ctx, pr, opts)
	pr.CloseWithError(errPutEnded) // unblocks a writer the store left
	writeErr := <-wrote
	switch {
	case writeErr != nil && !errors.Is(writeErr, errPutEnded):
		return blob.Object{}, writeErr
	case putErr != nil:
		return blob.Object{}, fmt.Errorf("keyring: store signed PDF: %w", putErr)
	case writeErr != nil:
		return blob.Object{}, fmt.Errorf("keyring: store signed PDF: %w", writeErr)
	}
	return obj, nil
}

func certSHA256(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// pageCount is the number of pages of a PDF, 0 when it cannot be read.
func pageCount(b []byte) int {
	doc, err := pdf.Open(b)
	if err != nil {
		return 0
	}
	return doc.PageCount()
}
