package doctor

import (
	"fmt"
	"testing"
)

func TestRegisterProblems(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		last int
		held []int
		want []string
	}{
		{3, []int{1, 2, 3}, nil},
		{0, nil, nil},
		{6, []int{1, 2, 2, 2, 5}, []string{
			"duplicate number 2 is held by 3 documents",
			"gap numbers 3-4 were handed out but no document holds them",
			"gap number 6 was handed out but no document holds it",
		}},
		{2, []int{1, 2, 4}, []string{"beyond_counter number 4 is held but the counter stands at 2"}},
		{0, []int{1}, []string{"beyond_counter number 1 is held but the counter stands at 0"}},
		{4, []int{2, 3, 4}, []string{"gap number 1 was handed out but no document holds it"}},
	} {
		t.Run(fmt.Sprint(tc.last, tc.held), func(t *testing.T) {
			got := registerProblems("H23/2026/outgoing", tc.last, tc.held)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i, p := range got {
				if s := p.Kind + " " + p.Detail; s != tc.want[i] || p.Subject != "H23/2026/outgoing" {
					t.Errorf("problem %d: %q, want %q", i, s, tc.want[i])
				}
			}
		})
	}
}
