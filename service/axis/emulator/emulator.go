package emulator

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/vanthu/vanthu/service/axis"
)

// Emulator is the axis as an http.Handler, with its state under one directory:
// index.db (SQLite) and bodies/<sha256> (each package's edXML, written to a temporary
// file, fsynced and renamed before the send that names it commits).
type Emulator struct {
	dir     string
	store   *store
	secrets map[string][32]byte // system id → SHA-256 of its secret
	maxBody int64
	log     *slog.Logger
	mux     *http.ServeMux
	now     func() time.Time
}

// New opens (creating if needed) the emulator's state in dir and registers cfg's
// agencies. Close it when done.
func New(ctx context.Context, dir string, cfg Config) (*Emulator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	for _, d := range []string{dir, filepath.Join(dir, "bodies"), filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, fmt.Errorf("axis emulator: %w", err)
		}
	}
	// Temporary files are bodies whose send never committed (a crash mid-upload).
	if tmp, err := os.ReadDir(filepath.Join(dir, "tmp")); err == nil {
		for _, f := range tmp {
			_ = os.Remove(filepath.Join(dir, "tmp", f.Name()))
		}
	}
	st, err := openStore(ctx, filepath.Join(dir, "index.db"))
	if err != nil {
		return nil, err
	}
	if err := st.upsertConfigured(ctx, cfg.Systems); err != nil {
		st.close()
		return nil, err
	}
	e := &Emulator{dir: dir, store: st, secrets: map[string][32]byte{}, maxBody: cfg.MaxBody, log: cfg.Logger,
		mux: http.NewServeMux(), now: func() time.Time { return time.Now().UTC() }}
	if e.maxBody == 0 {
		e.maxBody = DefaultMaxBody
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	for _, s := range cfg.Systems {
		e.secrets[s.ID] = sha256.Sum256([]byte(s.Secret))
	}
	e.routes()
	return e, nil
}

// Close closes the index. Requests still running fail with 503.
func (e *Emulator) Close() error { return e.store.close() }

func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.mux.ServeHTTP(w, r) }

func (e *Emulator) routes() {
	e.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	e.mux.HandleFunc("GET /v1/agencies", e.auth(e.listAgencies))
	e.mux.HandleFunc("PUT /v1/agencies/{code}", e.auth(e.putAgency))
	e.mux.HandleFunc("POST /v1/packages", e.auth(e.send))
	e.mux.HandleFunc("GET /v1/received", e.auth(e.received))
	e.mux.HandleFunc("GET /v1/packages/{id}", e.auth(e.fetch))
	e.mux.HandleFunc("PUT /v1/packages/{id}/state", e.auth(e.acknowledge))
	e.mux.HandleFunc("GET /v1/sent", e.auth(e.sent))
}

// auth checks the system id and secret (in constant time, on their hashes so that the
// length does not show either), or a verified TLS client certificate whose common name
// is a system's id, and hands the handler the system id.
func (e *Emulator) auth(next func(w http.ResponseWriter, r *http.Request, system string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		system := r.Header.Get(axis.HeaderSystem)
		ok := false
		if cn, verified := certSystem(r); verified && r.Header.Get(axis.HeaderSecret) == "" {
			_, known := e.secrets[cn]
			ok = known && (system == "" || system == cn)
			system = cn
		} else {
			want, known := e.secrets[system]
			got := sha256.Sum256([]byte(r.Header.Get(axis.HeaderSecret)))
			ok = subtle.ConstantTimeCompare(want[:], got[:]) == 1 && known
		}
		if !ok {
			e.log.Warn("axis: refused credentials", "system", system, "remote", r.RemoteAddr)
			problem(w, http.StatusUnauthorized, axis.KindUnauthorized, "Sai mã hệ thống hoặc khóa bí mật",
				"unknown system or wrong secret", nil)
			return
		}
		next(w, r, system)
	}
}

// certSystem is the common name of a client certificate the TLS handshake verified
// against the client CAs.
func certSystem(r *http.Request) (string, bool) {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
		return "", false
	}
	return r.TLS.VerifiedChains[0][0].Subject.CommonName, true
}

func (e *Emulator) listAgencies(w http.ResponseWriter, r *http.Request, _ string) {
	list, err := e.store.agencies(r.Context())
	if err != nil {
		e.unavailable(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"agencies": list})
}

// maxAgencyBody bounds a directory entry.
const maxAgencyBody = 64 << 10

func (e *Emulator) putAgency(w http.ResponseWriter, r *http.Request, system string) {
	a, err := decodeAgency(http.MaxBytesReader(w, r.Body, maxAgencyBody))
	if err == nil && a.Code != r.PathValue("code") {
		err = fmt.Errorf("mã cơ quan %q khác với đường dẫn %q (code differs from the path)", a.Code, r.PathValue("code"))
	}
	if err != nil {
		problem(w, http.StatusBadRequest, axis.KindBadRequest, "Thông tin cơ quan không hợp lệ", err.Error(), nil)
		return
	}
	created, err := e.store.registerAgency(r.Context(), system, a)
	switch {
	case errors.Is(err, errOtherSystem):
		problem(w, http.StatusConflict, axis.KindConflict, "Cơ quan thuộc hệ thống khác",
			fmt.Sprintf("agency %s is registered by another system", a.Code), nil)
		return
	case err != nil:
		e.unavailable(w, r, err)
		return
	}
	e.log.Info("axis: agency registered", "system", system, "code", a.Code, "created", created)
	a.SystemID = system
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, a)
}

// decodeAgency reads one directory entry as a system registers it.
func decodeAgency(r io.Reader) (axis.Agency, error) {
	var a axis.Agency
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return axis.Agency{}, fmt.Errorf("agency: %w", err)
	}
	if dec.More() {
		return axis.Agency{}, errors.New("agency: more than one JSON value")
	}
	if err := checkAgency(a); err != nil {
		return axis.Agency{}, err
	}
	return a, nil
}

func (e *Emulator) send(w http.ResponseWriter, r *http.Request, system string) {
	req, err := parseSend(r.URL.Query(), r.Header.Get(axis.HeaderKey))
	if err != nil {
		problem(w, http.StatusBadRequest, axis.KindBadRequest, "Yêu cầu gửi không hợp lệ", err.Error(), nil)
		return
	}
	req.system = system
	ctx := r.Context()
	refused, err := e.store.refusals(ctx, system, req.from, req.to)
	switch {
	case errors.Is(err, errOtherSystem):
		problem(w, http.StatusForbidden, axis.KindForbidden, "Cơ quan gửi không thuộc hệ thống này",
			fmt.Sprintf("sender %s is not an agency of system %s", req.from, system), nil)
		return
	case err != nil:
		e.unavailable(w, r, err)
		return
	case len(refused) > 0:
		// Nothing is stored when a recipient is refused: the sender fixes the list and
		// sends again, with the same key.
		problem(w, http.StatusUnprocessableEntity, axis.KindUnknownAgency, "Cơ quan nhận không có trong danh bạ trục",
			fmt.Sprintf("%d of %d recipients are not in the axis directory; nothing was sent", len(refused), len(req.to)), refused)
		return
	}
	// A replayed send whose every recipient has its package already is answered without
	// reading the body again.
	have, err := e.store.existing(ctx, system, req.key)
	if err != nil {
		e.unavailable(w, r, err)
		return
	}
	if all := allOf(have, req.to); all != nil {
		writeJSON(w, http.StatusOK, map[string]any{"packages": all})
		return
	}
	if r.ContentLength > e.maxBody {
		w.Header().Set("Connection", "close")
		problem(w, http.StatusRequestEntityTooLarge, axis.KindTooLarge, "Gói tin quá lớn",
			fmt.Sprintf("the package is %d bytes; the axis takes at most %d", r.ContentLength, e.maxBody), nil)
		return
	}
	name, size, err := e.storeBody(http.MaxBytesReader(w, r.Body, e.maxBody))
	if err != nil {
		e.bodyError(w, r, err)
		return
	}
	req.bodyName, req.size = name, size
	pkgs, created, err := e.store.send(ctx, req, e.now(), func() string { return uuid.NewString() })
	if err != nil {
		e.unavailable(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		e.log.Info("axis: package sent", "system", system, "type", req.typ, "from", req.from, "to", req.to,
			"key", req.key, "size", size)
	}
	writeJSON(w, status, map[string]any{"packages": pkgs})
}

// allOf returns the packages of every recipient, or nil when one is missing.
func allOf(have map[string]axis.Package, to []string) []axis.Package {
	out := make([]axis.Package, 0, len(to))
	for _, code := range to {
		p, ok := have[code]
		if !ok {
			return nil
		}
		out = append(out, p)
	}
	return out
}

// parseSend reads a send's routing: ?type=edoc|status&from=CODE&to=CODE&to=CODE…
// and the idempotency key. The axis routes by these, never by the edXML inside.
func parseSend(q map[string][]string, key string) (sendRequest, error) {
	one := func(name string) (string, error) {
		switch v := q[name]; len(v) {
		case 0:
			return "", fmt.Errorf("thiếu tham số %s (missing %s)", name, name)
		case 1:
			return v[0], nil
		default:
			return "", fmt.Errorf("tham số %s lặp lại (%s given twice)", name, name)
		}
	}
	typ, err := one("type")
	if err != nil {
		return sendRequest{}, err
	}
	if !axis.ValidType(axis.MessageType(typ)) {
		return sendRequest{}, fmt.Errorf("loại gói tin %q không hợp lệ (type must be edoc or status)", typ)
	}
	from, err := one("from")
	if err != nil {
		return sendRequest{}, err
	}
	if err := axis.CheckCode(from); err != nil {
		return sendRequest{}, fmt.Errorf("from: %w", err)
	}
	to := q["to"]
	if len(to) == 0 || len(to) > 1000 {
		return sendRequest{}, errors.New("cần từ 1 đến 1000 cơ quan nhận (1 to 1000 recipients)")
	}
	seen := map[string]bool{}
	for _, code := range to {
		if err := axis.CheckCode(code); err != nil {
			return sendRequest{}, fmt.Errorf("to: %w", err)
		}
		if seen[code] {
			return sendRequest{}, fmt.Errorf("cơ quan nhận %s lặp lại (recipient given twice)", code)
		}
		seen[code] = true
	}
	if len(key) > 200 {
		return sendRequest{}, errors.New("Idempotency-Key dài quá 200 ký tự")
	}
	return sendRequest{typ: axis.MessageType(typ), from: from, to: append([]string(nil), to...), key: key}, nil
}

var errNotXML = errors.New("gói tin không phải XML (the body does not start like XML)")

// storeBody streams the body into a temporary file, checks that it starts like XML,
// fsyncs it and renames it to its SHA-256, so that a package's file is whole before the
// send that names it commits.
func (e *Emulator) storeBody(body io.Reader) (name string, size int64, err error) {
	br := bufio.NewReaderSize(body, 4096)
	if !startsLikeXML(br) {
		return "", 0, errNotXML
	}
	tmp, err := os.CreateTemp(filepath.Join(e.dir, "tmp"), "body-*")
	if err != nil {
		return "", 0, fmt.Errorf("store body: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), br)
	if err != nil {
		return "", 0, err
	}
	if size == 0 {
		return "", 0, errNotXML
	}
	if err = tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("store body: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("store body: %w", err)
	}
	name = hex.EncodeToString(h.Sum(nil))
	if err = os.Rename(tmp.Name(), filepath.Join(e.dir, "bodies", name)); err != nil {
		return "", 0, fmt.Errorf("store body: %w", err)
	}
	return name, size, syncDir(filepath.Join(e.dir, "bodies"))
}

// startsLikeXML peeks past a UTF-8 byte order mark and white space for '<'.
func startsLikeXML(br *bufio.Reader) bool {
	head, _ := br.Peek(1024)
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	return len(head) >= 2 && head[0] == '<' && (head[1] == '?' || head[1] == '!' || isNameStart(head[1]))
}

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

func (e *Emulator) bodyError(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		w.Header().Set("Connection", "close")
		problem(w, http.StatusRequestEntityTooLarge, axis.KindTooLarge, "Gói tin quá lớn",
			fmt.Sprintf("the axis takes at most %d bytes", tooBig.Limit), nil)
	case errors.Is(err, errNotXML):
		problem(w, http.StatusUnprocessableEntity, axis.KindRejected, "Gói tin không phải edXML", err.Error(), nil)
	case r.Context().Err() != nil:
		// The sender went away mid-upload: nothing was stored, nobody to answer.
		e.log.Warn("axis: upload cut off", "remote", r.RemoteAddr, "error", err)
	default:
		// The connection broke or the disk failed: nothing was stored.
		e.unavailable(w, r, err)
	}
}

func (e *Emulator) received(w http.ResponseWriter, r *http.Request, system string) {
	list, err := e.store.received(r.Context(), system)
	if err != nil {
		e.unavailable(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"packages": list})
}

func (e *Emulator) sent(w http.ResponseWriter, r *http.Request, system string) {
	var since time.Time
	if s := r.URL.Query().Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			problem(w, http.StatusBadRequest, axis.KindBadRequest, "Tham số since không hợp lệ", "since must be RFC 3339", nil)
			return
		}
		since = t
	}
	list, err := e.store.sent(r.Context(), system, since)
	if err != nil {
		e.unavailable(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"packages": list})
}

func (e *Emulator) fetch(w http.ResponseWriter, r *http.Request, system string) {
	p, body, err := e.store.receivedOne(r.Context(), system, r.PathValue("id"))
	if errors.Is(err, axis.ErrNotFound) {
		problem(w, http.StatusNotFound, axis.KindNotFound, "Không tìm thấy gói tin", "no such package for this system", nil)
		return
	}
	if err != nil {
		e.unavailable(w, r, err)
		return
	}
	f, err := os.Open(filepath.Join(e.dir, "bodies", body))
	if err != nil {
		e.unavailable(w, r, fmt.Errorf("open body of package %s: %w", p.ID, err))
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.FormatInt(p.Size, 10))
	w.Header().Set("X-Axis-Type", string(p.Type))
	w.Header().Set("X-Axis-From", p.From)
	w.Header().Set("X-Axis-To", p.To)
	if _, err := io.Copy(w, f); err != nil {
		e.log.Warn("axis: fetch cut off", "package", p.ID, "error", err)
	}
}

// stateRequest is the body of PUT /v1/packages/{id}/state.
type stateRequest struct {
	State  axis.State `json:"state"`
	Reason string     `json:"reason,omitempty"`
}

// decodeState reads an acknowledgement: a state a receiver may set and a short reason.
func decodeState(r io.Reader) (axis.State, string, error) {
	var req stateRequest
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return "", "", fmt.Errorf("state: %w", err)
	}
	if !axis.ValidState(req.State) {
		return "", "", fmt.Errorf("trạng thái %q không hợp lệ (state must be processing, done or fail)", req.State)
	}
	if len(req.Reason) > 2000 {
		return "", "", errors.New("lý do dài quá 2000 byte (reason longer than 2000 bytes)")
	}
	return req.State, req.Reason, nil
}

func (e *Emulator) acknowledge(w http.ResponseWriter, r *http.Request, system string) {
	state, reason, err := decodeState(http.MaxBytesReader(w, r.Body, 8<<10))
	if err != nil {
		problem(w, http.StatusBadRequest, axis.KindBadRequest, "Trạng thái không hợp lệ", err.Error(), nil)
		return
	}
	id := r.PathValue("id")
	err = e.store.acknowledge(r.Context(), system, id, state, reason, e.now())
	switch {
	case errors.Is(err, axis.ErrNotFound):
		problem(w, http.StatusNotFound, axis.KindNotFound, "Không tìm thấy gói tin", "no such package for this system", nil)
	case errors.Is(err, errFinal):
		problem(w, http.StatusConflict, axis.KindConflict, "Gói tin đã được xác nhận với trạng thái khác", err.Error(), nil)
	case err != nil:
		e.unavailable(w, r, err)
	default:
		e.log.Info("axis: package acknowledged", "system", system, "package", id, "state", state, "reason", reason)
		w.WriteHeader(http.StatusNoContent)
	}
}

// unavailable answers 503 for a failure of the emulator's own storage: the caller
// retries later, as with the real axis.
func (e *Emulator) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	if !errors.Is(err, context.Canceled) {
		e.log.Error("axis: request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	w.Header().Set("Retry-After", "5")
	problem(w, http.StatusServiceUnavailable, axis.KindUnavailable, "Trục tạm thời không phục vụ được", "try again later", nil)
}

func problem(w http.ResponseWriter, status int, kind, title, detail string, refused []axis.Refusal) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(axis.Problem{Type: axis.ProblemBase + kind, Title: title, Status: status,
		Detail: detail, Refused: refused})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
