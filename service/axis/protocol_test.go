package axis

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

func FuzzAnswerError(f *testing.F) {
	f.Add(422, `{"type":"https://vanthu.dev/problems/axis/unknown-agency","title":"t","status":422,"refused":[{"to":"X","reason":"r"}]}`)
	f.Add(503, `<html>Bad gateway</html>`)
	f.Add(404, ``)
	f.Add(400, `{"type":1}`)
	f.Fuzz(func(t *testing.T, status int, body string) {
		if status < 400 || status > 599 {
			return
		}
		err := (&Client{}).answerError(&http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader(body))})
		var e *Error
		if !errors.As(err, &e) || e.Status != status || err.Error() == "" {
			t.Fatalf("answerError(%d, %q) = %v", status, body, err)
		}
		kinds := 0
		for _, k := range []error{ErrNotFound, ErrUnknownAgency, ErrUnauthorized, ErrUnavailable, ErrRejected} {
			if errors.Is(err, k) {
				kinds++
			}
		}
		if kinds != 1 {
			t.Fatalf("answerError(%d, %q) matches %d kinds", status, body, kinds)
		}
		if (status >= 500 || status == 429) != errors.Is(err, ErrUnavailable) {
			t.Fatalf("status %d mapped to %v", status, err)
		}
	})
}
