package keyring

import (
	"cmp"
	"context"
	"fmt"
	"io"
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
// agency's signature with the SAO Y mark in the top-right corner of its first page. The
// signed copy is written through into the blob store as it is made, at the keyring's
// level as the agency's own signatures are; read it back with Blobs.Open(Blob.Key).
func (k *Keyring) CertifiedCopy(ctx context.Context, actor engine.Actor, docID, pin, requestID string) (IssuedCopy, error) {
	if actor.Role != engine.RoleArchivist {
		// The engine refuses without numbering anything; its refusal is the answer.
		_, err := k.cfg.Engine.IssueCertifiedCopy(ctx, actor, docID, requestID, func(context.Context, engine.CertifiedCopy) (engine.FileInput, error) {
			return engine.FileInput{}, engine.ErrForbidden
		})
		return IssuedCopy{}, cmp.Or(err, fmt.Errorf("keyring: certified copy by a %s: %w", actor.Role, engine.ErrForbidden))
	}
	key, _, closeKey, err := k.open(ctx, engine.KeyOwnerAgency, actor.AgencyID, pin)
	if err != nil {
		return IssuedCopy{}, err
	}
	defer closeKey()
	var obj blob.Object
	cp, err := k.cfg.Engine.IssueCertifiedCopy(ctx, actor, docID, requestID, func(ctx context.Context, cp engine.CertifiedCopy) (engine.FileInput, error) {
		original, err := k.readBlob(ctx, cp.Original.BlobKey, cp.Original.Size)
		if err != nil {
			return engine.FileInput{}, fmt.Errorf("keyring: the original of %s: %w", cp.Document.ID, err)
		}
		req, err := copyRequest(original, cp, k.request(key, nil, ""))
		if err != nil {
			return engine.FileInput{}, err
		}
		obj, err = k.keepSigned(ctx, original, req, blob.PutOptions{Prefix: copyPrefix(cp.AgencyID, cp.ID), ContentType: "application/pdf"})
		if err != nil {
			return engine.FileInput{}, fmt.Errorf("keyring: certified copy %s: %w", cp.Notation, err)
		}
		return engine.FileInput{Kind: "certified_copy", BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}, nil
	})
	if err != nil {
		return IssuedCopy{}, err
	}
	k.cfg.Logger.InfoContext(ctx, "certified copy issued", "copy", cp.ID, "notation", cp.Notation, "document", cp.Document.ID)
	return IssuedCopy{CertifiedCopy: cp, Blob: obj}, nil
}

// SignCopyTo adds the SAO Y signature to the signed original and writes the copy to w as
// it is made (see signer.Sign; on error w holds a partial file to discard). req carries
// the key, level and where timestamps and revocation data come from; the appearance, time
// and reason are set here.
func SignCopyTo(ctx context.Context, w io.Writer, original []byte, cp engine.CertifiedCopy, req signer.Request) (int64, error) {
	req, err := copyRequest(original, cp, req)
	if err != nil {
		return 0, err
	}
	n, err := signer.Sign(ctx, w, original, req)
	if err != nil {
		return n, fmt.Errorf("sign the copy %s: %w", cp.Notation, err)
	}
	return n, nil
}

// copyRequest is req for the copy cp: the corner mark with the copying agency's name, and
// a reason naming the copy and its record.
func copyRequest(original []byte, cp engine.CertifiedCopy, req signer.Request) (signer.Request, error) {
	box, err := signer.PageBox(original, 0)
	if err != nil {
		return signer.Request{}, fmt.Errorf("certified copy %s: %w", cp.Notation, err)
	}
	now := time.Now()
	look, err := appearance.Copy(appearance.CopyOptions{CornerPlacement: appearance.CornerPlacement{Page: 0, PageBox: box},
		Form: appearance.CopyTrue, Agency: strings.ToUpper(cp.AgencyName), SignedAt: now})
	if err != nil {
		return signer.Request{}, fmt.Errorf("certified copy %s: %w", cp.Notation, err)
	}
	req.Appearance, req.SigningTime = look, now
	req.Reason = "SAO Y số " + cp.Notation + " từ hồ sơ " + cp.Record.FileCode()
	return req, nil
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
