package password

import (
	"crypto/rand"
	"fmt"
)

// TemporaryParams hash the temporary passwords Temporary makes. They are cheap on
// purpose: a temporary password is 60 random bits, which no cost setting makes easier or
// harder to guess, lives only until its first use, and an import hashes thousands at once.
var TemporaryParams = Params{Memory: 1024, Time: 1, Threads: 1}

// temporaryAlphabet leaves out characters read for one another (0/o, 1/l); 32 of them, so
// that a byte modulo its length has no bias.
const temporaryAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// Temporary returns a random password of three groups of four characters, e.g.
// "k7mp-x2qd-9hfa", for an admin to hand over once.
func Temporary() (string, error) {
	buf := make([]byte, 12)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("password: temporary: %w", err)
	}
	out := make([]byte, 0, 14)
	for i, b := range buf {
		if i > 0 && i%4 == 0 {
			out = append(out, '-')
		}
		out = append(out, temporaryAlphabet[int(b)%len(temporaryAlphabet)])
	}
	return string(out), nil
}
