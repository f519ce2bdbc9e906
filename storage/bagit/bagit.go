// Package bagit writes and validates BagIt bags (RFC 8493), the package format vanthu uses
// to export a hồ sơ from one instance and import it into another.
//
// A bag is a directory:
//
//	bagit.txt                  version and tag-file encoding
//	bag-info.txt               labelled metadata (Payload-Oxum, Bagging-Date, …)
//	manifest-sha256.txt        digest and path of every payload file
//	manifest-sha512.txt
//	tagmanifest-sha256.txt     digest and path of every tag file
//	tagmanifest-sha512.txt
//	metadata/record.json       extra tag files
//	data/…                     the payload
//
// The Writer streams payload files into a temporary directory next to the target and
// renames it into place on Close, so an interrupted export never leaves something that
// looks like a finished bag. The reader is strict: Validate reports every deviation from
// the RFC it can see, each as a Problem naming the file and line, and Bag.Open verifies a
// payload file's digests while it is read.
package bagit

import (
	"crypto/md5"  //nolint:gosec // read-only support for legacy bags, never written
	"crypto/sha1" //nolint:gosec // read-only support for legacy bags, never written
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"hash"
)

// Version is the BagIt version the Writer declares in bagit.txt.
const Version = "1.0"

// Errors callers can test with errors.Is.
var (
	// ErrClosed is returned by Writer methods after Close or Abort.
	ErrClosed = errors.New("bagit: writer is closed")
	// ErrUnsafePath is returned for a path that is absolute, has "..", "." or empty
	// segments, or otherwise could not be stored portably inside the bag.
	ErrUnsafePath = errors.New("bagit: unsafe path")
	// ErrDuplicate is returned when a path is added to a bag twice.
	ErrDuplicate = errors.New("bagit: duplicate path")
	// ErrReservedLabel is returned by SetInfo for a bag-info label the Writer computes.
	ErrReservedLabel = errors.New("bagit: label is computed by the writer")
	// ErrInvalidInfo is returned for a bag-info label or value that cannot be written.
	ErrInvalidInfo = errors.New("bagit: invalid bag-info field")
	// ErrNotBag is returned by Open for a directory without bagit.txt.
	ErrNotBag = errors.New("bagit: not a bag")
	// ErrNotListed is returned by Bag.Open for a payload path no manifest lists.
	ErrNotListed = errors.New("bagit: file not listed in any payload manifest")
	// ErrChecksumMismatch is returned instead of io.EOF when a payload file read through
	// Bag.Open does not match its manifest digests.
	ErrChecksumMismatch = errors.New("bagit: checksum mismatch")
)

// writeAlgorithms are the manifests the Writer produces, as RFC 8493 §2.4 recommends.
var writeAlgorithms = []string{"sha256", "sha512"}

// newHash returns a hash for a manifest algorithm name, or nil when it is not supported.
// MD5 and SHA-1 are accepted on read only, so bags from older tools still validate.
func newHash(alg string) hash.Hash {
	switch alg {
	case "md5":
		return md5.New() //nolint:gosec // see import
	case "sha1":
		return sha1.New() //nolint:gosec // see import
	case "sha224":
		return sha256.New224()
	case "sha256":
		return sha256.New()
	case "sha384":
		return sha512.New384()
	case "sha512":
		return sha512.New()
	}
	return nil
}

// digestLen is the length in hex characters of a digest of alg, 0 when unsupported.
func digestLen(alg string) int {
	h := newHash(alg)
	if h == nil {
		return 0
	}
	return 2 * h.Size()
}
