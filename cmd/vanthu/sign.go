package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/appearance"
	"github.com/vanthu/vanthu/signer/keys"
	"github.com/vanthu/vanthu/signer/pades"
	"github.com/vanthu/vanthu/signer/pki"
)

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ", ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// runSign is `vanthu sign`: one PAdES signature on a PDF, with the key from a PKCS#12
// file or a PKCS#11 token. The password or PIN comes from VANTHU_KEY_PASSWORD or a prompt,
// never from a flag, so it stays out of shell history and process lists.
func runSign(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	in := fs.String("in", "", "PDF to sign (required)")
	out := fs.String("out", "", "where to write the signed PDF (required)")
	keyFile := fs.String("key", "", "PKCS#12 file with the signing key and certificate")
	module := fs.String("pkcs11-module", "", "PKCS#11 module (.so) of an HSM or USB token")
	token := fs.String("pkcs11-token", "", "PKCS#11 token label")
	keyLabel := fs.String("pkcs11-label", "", "PKCS#11 key label")
	level := fs.String("level", "B-B", "PAdES level: B-B, B-T, B-LT or B-LTA")
	tsa := fs.String("tsa", "", "RFC 3161 timestamp authority URL (B-T and up)")
	compat := fs.Bool("compat", false, "write adbe.pkcs7.detached for receivers that need it")
	certify := fs.Int("certify", 0, "certify the document (DocMDP): 1 no changes, 2 form fill and signing, 3 also annotations")
	reason := fs.String("reason", "", "reason shown in the signature")
	location := fs.String("location", "", "place of signing")
	kind := fs.String("appearance", "none", "visible signature: leader, agency, attachment, copy or none")
	page := fs.Int("page", 1, "page of the visible signature (1 = first)")
	x := fs.Float64("x", 330, "leader: left edge of the signature block, in points")
	y := fs.Float64("y", 120, "leader: bottom edge of the signature block, in points")
	var titles stringList
	fs.Var(&titles, "title", "leader: signing-authority line, repeatable (\"KT. CHỦ TỊCH\", \"PHÓ CHỦ TỊCH\")")
	name := fs.String("signer-name", "", "leader: printed name under the signature")
	sigImage := fs.String("signature-image", "", "leader: handwritten signature PNG (blue, transparent)")
	sealImage := fs.String("seal-image", "", "agency: seal PNG (red, transparent)")
	over := fs.String("over", "", "agency: the leader's signature image as llx,lly,urx,ury (printed when the leader signed)")
	number := fs.String("number", "", "attachment: number and notation of the main document, e.g. 15/QĐ-UBND")
	copyForm := fs.String("copy-form", "SAO Y", "copy: SAO Y, SAO LỤC or TRÍCH SAO")
	copyAgency := fs.String("copy-agency", "", "copy: the copying agency's name")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		return usageError{errors.New("--in and --out are required")}
	}
	lvl, err := parseLevel(*level)
	if err != nil {
		return usageError{err}
	}
	doc, err := os.ReadFile(*in)
	if err != nil {
		return err
	}
	key, closeKey, err := openKey(ctx, *keyFile, *module, *token, *keyLabel)
	if err != nil {
		return err
	}
	defer closeKey()

	now := time.Now()
	if *certify < 0 || *certify > 3 {
		return usageError{errors.New("--certify takes 1, 2 or 3")}
	}
	req := signer.Request{Key: key, Level: lvl, Reason: *reason, Location: *location, Compat: *compat, SigningTime: now,
		DocMDP: *certify}
	if lvl >= pades.LevelBT {
		if *tsa == "" {
			return usageError{fmt.Errorf("level %s needs --tsa", *level)}
		}
		req.Timestamper = &pki.TSAClient{URL: *tsa}
	}
	if lvl >= pades.LevelBLT {
		req.Revocation = pki.NewRevocation(http.DefaultClient, key.Chain())
	}
	switch *kind {
	case "none":
	case "leader":
		img, err := os.ReadFile(*sigImage)
		if err != nil {
			return fmt.Errorf("--signature-image: %w", err)
		}
		req.Appearance, err = appearance.Leader(appearance.LeaderOptions{Page: *page - 1, X: *x, Y: *y, Titles: titles,
			Name: *name, Signature: img})
		if err != nil {
			return err
		}
	case "agency":
		img, err := os.ReadFile(*sealImage)
		if err != nil {
			return fmt.Errorf("--seal-image: %w", err)
		}
		rect, err := parseRect(*over)
		if err != nil {
			return usageError{fmt.Errorf("--over: %w", err)}
		}
		req.Appearance, err = appearance.Agency(appearance.AgencyOptions{Page: *page - 1, Seal: img, SignatureRect: rect})
		if err != nil {
			return err
		}
	case "attachment", "copy":
		box, err := signer.PageBox(doc, *page-1)
		if err != nil {
			return err
		}
		place := appearance.CornerPlacement{Page: *page - 1, PageBox: box}
		if *kind == "attachment" {
			req.Appearance, err = appearance.Attachment(appearance.AttachmentOptions{CornerPlacement: place, Number: *number, SignedAt: now})
		} else {
			req.Appearance, err = appearance.Copy(appearance.CopyOptions{CornerPlacement: place, Form: appearance.CopyForm(*copyForm),
				Agency: *copyAgency, SignedAt: now})
		}
		if err != nil {
			return err
		}
	default:
		return usageError{fmt.Errorf("--appearance %q is not leader, agency, attachment, copy or none", *kind)}
	}
	if err := writeAtomic(*out, func(w io.Writer) error {
		_, err := signer.Sign(ctx, w, doc, req)
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "signed %s → %s (%s, %s)\n", *in, *out, *level, key.Certificate().Subject.CommonName)
	if *kind == "leader" {
		r := req.Appearance.ImageRect()
		fmt.Fprintf(stdout, "signature image on page %d at %.1f,%.1f,%.1f,%.1f (use with --appearance agency --over)\n",
			*page, r[0], r[1], r[2], r[3])
	}
	return nil
}

func parseLevel(s string) (pades.Level, error) {
	switch strings.ToUpper(s) {
	case "B-B", "BB":
		return pades.LevelBB, nil
	case "B-T", "BT":
		return pades.LevelBT, nil
	case "B-LT", "BLT":
		return pades.LevelBLT, nil
	case "B-LTA", "BLTA":
		return pades.LevelBLTA, nil
	}
	return 0, fmt.Errorf("--level %q is not B-B, B-T, B-LT or B-LTA", s)
}

func parseRect(s string) ([4]float64, error) {
	var r [4]float64
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return r, errors.New("want four numbers llx,lly,urx,ury")
	}
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return r, fmt.Errorf("%q is not a number", p)
		}
		r[i] = v
	}
	return r, nil
}

// openKey opens the signing key from a PKCS#12 file or a PKCS#11 token.
func openKey(ctx context.Context, p12, module, token, label string) (keys.Key, func(), error) {
	switch {
	case p12 != "" && module != "":
		return nil, nil, usageError{errors.New("give --key or --pkcs11-module, not both")}
	case p12 != "":
		data, err := os.ReadFile(p12)
		if err != nil {
			return nil, nil, err
		}
		pass, err := secret("password of " + p12)
		if err != nil {
			return nil, nil, err
		}
		k, err := keys.LoadPKCS12(data, pass)
		if err != nil {
			return nil, nil, fmt.Errorf("--key %s: %w", p12, err)
		}
		return k, func() {}, nil
	case module != "":
		session, err := keys.OpenPKCS11(ctx, keys.PKCS11Config{Module: module, TokenLabel: token, KeyLabel: label,
			PIN: func(context.Context) (string, error) { return secret("PIN of token " + token) }, Policy: keys.PINPerUse})
		if err != nil {
			return nil, nil, fmt.Errorf("pkcs11: %w", err)
		}
		return session.Key(), func() { session.Close() }, nil
	}
	return nil, nil, usageError{errors.New("a key is required: --key FILE.p12 or --pkcs11-module MODULE")}
}

// secret reads VANTHU_KEY_PASSWORD, else asks on the terminal without echo.
func secret(what string) (string, error) {
	if v, ok := os.LookupEnv("VANTHU_KEY_PASSWORD"); ok {
		return v, nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", errors.New("no terminal to ask for the " + what + ": set VANTHU_KEY_PASSWORD")
	}
	defer tty.Close()
	fmt.Fprintf(tty, "%s: ", what)
	b, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", what, err)
	}
	return string(b), nil
}

// writeFileAtomic writes through a temporary file so that a failure never leaves a
// half-written PDF where a signed one is expected.
func writeFileAtomic(path string, data []byte) error {
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeAtomic writes what write writes to path through a temporary file beside it, synced
// before it takes path's place: the file is never held in memory whole, and a failure never
// leaves a partial file at path.
func writeAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(dirOf(path), ".vanthu-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())            // fails harmlessly once renamed
	bw := bufio.NewWriterSize(tmp, 64<<10) // large writes go straight through
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func dirOf(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[:i+1]
	}
	return "."
}

// runExtend is `vanthu extend`: raise the signatures of a signed PDF to B-LT (adding the
// certificates and revocation data they lack) or B-LTA (and a document timestamp), as an
// archive does before certificates expire. Earlier revisions stay untouched.
func runExtend(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("extend", flag.ContinueOnError)
	in := fs.String("in", "", "signed PDF (required)")
	out := fs.String("out", "", "where to write the extended PDF (required)")
	level := fs.String("level", "B-LTA", "B-LT or B-LTA")
	tsa := fs.String("tsa", "", "RFC 3161 timestamp authority URL (B-LTA)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		return usageError{errors.New("--in and --out are required")}
	}
	lvl, err := parseLevel(*level)
	if err != nil || lvl < pades.LevelBLT {
		return usageError{fmt.Errorf("--level %q: extend to B-LT or B-LTA", *level)}
	}
	doc, err := os.ReadFile(*in)
	if err != nil {
		return err
	}
	opts := pades.ExtendOptions{Revocation: pki.NewRevocation(&http.Client{Timeout: 15 * time.Second}, nil)}
	if lvl == pades.LevelBLTA {
		if *tsa == "" {
			return usageError{errors.New("B-LTA needs --tsa")}
		}
		opts.Timestamper = &pki.TSAClient{URL: *tsa}
	}
	extended, err := pades.Extend(ctx, doc, lvl, opts)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(*out, extended); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "extended %s → %s (%s)\n", *in, *out, *level)
	return nil
}
