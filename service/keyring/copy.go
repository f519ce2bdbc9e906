package keyring

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/appearance"
	"github.com/vanthu/vanthu/storage/blob"
)

// IssuedCopy is a certified copy (SAO Y) as issued: numbered by the engine, signed with
// the agency's key and kept in the blob store under CopyKey.
type IssuedCopy struct {
	engine.CertifiedCopy
	Blob blob.Object
}

// CertifiedCopy issues an electronic certified copy (bản sao y) of a record's document:
// the archivist's PIN opens the agency's key first, so that a wrong PIN leaves no gap in
// the copy register; then the engine numbers it and the signed original gets the
// agency's signature with the SAO Y mark in the top-right corner of its first page.
func (k *Keyring) CertifiedCopy(ctx context.Context, actor engine.Actor, docID, pin, requestID string) (IssuedCopy, []byte, error) {
	if actor.Role != engine.RoleArchivist {
		// The engine refuses without numbering anything; its refusal is the answer.
		_, err := k.cfg.Engine.IssueCertifiedCopy(ctx, actor, docID, requestID, func(context.Context, engine.CertifiedCopy) (engine.FileInput, error) {
			return engine.FileInput{}, engine.ErrForbidden
		})
		return IssuedCopy{}, nil, cmp.Or(err, fmt.Errorf("keyring: certified copy by a %s: %w", actor.Role, engine.ErrForbidden))
	}
	key, _, closeKey, err := k.open(ctx, engine.KeyOwnerAgency, actor.AgencyID, pin)
	if err != nil {
		return IssuedCopy{}, nil, err
	}
	defer closeKey()
	var signed []byte
	var obj blob.Object
	cp, err := k.cfg.Engine.IssueCertifiedCopy(ctx, actor, docID, requestID, func(ctx context.Context, cp engine.CertifiedCopy) (engine.FileInput, error) {
		original, err := k.readBlob(ctx, cp.Original.BlobKey, cp.Original.Size)
		if err != nil {
			return engine.FileInput{}, fmt.Errorf("keyring: the original of %s: %w", cp.Document.ID, err)
		}
		req := signer.Request{Key: key, Level: k.level, Timestamper: k.cfg.Timestamper, Revocation: k.cfg.Revocation,
			ExtraCertificates: k.cfg.ExtraCertificates, Location: k.cfg.Location}
		if signed, err = SignCopy(ctx, original, cp, req); err != nil {
			return engine.FileInput{}, pinError(err)
		}
		obj, err = k.cfg.Blobs.Put(ctx, bytes.NewReader(signed), blob.PutOptions{Prefix: copyPrefix(cp.AgencyID, cp.ID),
			ContentType: "application/pdf"})
		if err != nil {
			return engine.FileInput{}, fmt.Errorf("keyring: store certified copy %s: %w", cp.Notation, err)
		}
		return engine.FileInput{Kind: "certified_copy", BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}, nil
	})
	if err != nil {
		return IssuedCopy{}, nil, err
	}
	k.cfg.Logger.InfoContext(ctx, "certified copy issued", "copy", cp.ID, "notation", cp.Notation, "document", cp.Document.ID)
	return IssuedCopy{CertifiedCopy: cp, Blob: obj}, signed, nil
}

// SignCopy adds the SAO Y signature to the signed original: the corner mark with the
// copying agency's name, and a reason naming the copy and its record. req carries the
// key and level; its appearance, time and reason are set here.
func SignCopy(ctx context.Context, original []byte, cp engine.CertifiedCopy, req signer.Request) ([]byte, error) {
	box, err := signer.PageBox(original, 0)
	if err != nil {
		return nil, fmt.Errorf("certified copy %s: %w", cp.Notation, err)
	}
	now := time.Now()
	look, err := appearance.Copy(appearance.CopyOptions{CornerPlacement: appearance.CornerPlacement{Page: 0, PageBox: box},
		Form: appearance.CopyTrue, Agency: strings.ToUpper(cp.AgencyName), SignedAt: now})
	if err != nil {
		return nil, fmt.Errorf("certified copy %s: %w", cp.Notation, err)
	}
	req.Appearance, req.SigningTime = look, now
	req.Reason = "SAO Y số " + cp.Notation + " từ hồ sơ " + cp.Record.FileCode()
	signed, err := signer.Sign(ctx, original, req)
	if err != nil {
		return nil, fmt.Errorf("sign the copy %s: %w", cp.Notation, err)
	}
	return signed, nil
}

var (
	digestHex = regexp.MustCompile(`^[0-9a-f]{64}$`)
	idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,63}$`)
)

// CopyKey is where the certified copy copyID of an agency with this SHA-256 is kept, or
// "" when the digest or an id is malformed. The key names the agency, so a download that builds it
// from the downloader's own agency can never reach another agency's copy.
func CopyKey(agencyID, copyID, sha256 string) string {
	if !digestHex.MatchString(sha256) || !idPattern.MatchString(agencyID) || !idPattern.MatchString(copyID) {
		return ""
	}
	return path.Join(copyPrefix(agencyID, copyID), sha256[:2], sha256)
}

func copyPrefix(agencyID, copyID string) string {
	return engine.CopyBlobPrefix + agencyID + "/" + copyID
}
