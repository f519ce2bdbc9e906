package pdf

import "fmt"

// objStm is a decoded object stream (7.5.7).
type objStm struct {
	data  []byte
	nums  []int // object numbers by index
	offs  []int // their offsets in data
	byNum map[int]int
	err   error
}

func (d *Doc) fromObjStm(num int, e XRefEntry) (any, error) {
	stm := d.objStm(e.Stream)
	if stm.err != nil {
		return nil, fmt.Errorf("pdf: object %d: %w", num, stm.err)
	}
	i, ok := stm.find(num, e.Index)
	if !ok {
		return nil, nil
	}
	v, err := NewScanner(stm.data, stm.offs[i]).Object()
	if err != nil {
		return nil, fmt.Errorf("pdf: object %d in object stream %d: %w", num, e.Stream, err)
	}
	return v, nil
}

// objStm loads object stream num, once per File: its offset names the same
// bytes in every revision.
func (d *Doc) objStm(num int) *objStm {
	e, ok := d.XRef[num]
	if !ok || e.Type != 1 {
		return &objStm{err: fmt.Errorf("object stream %d not found", num)}
	}
	if stm, ok := d.File.objStms[e.Offset]; ok {
		return stm
	}
	stm := d.loadObjStm(num)
	d.File.objStms[e.Offset] = stm
	return stm
}

func (d *Doc) loadObjStm(num int) *objStm {
	v, err := d.Object(num)
	if err != nil {
		return &objStm{err: err}
	}
	return d.File.readObjStm(v, num)
}

// readObjStm decodes v, object num, as an object stream and indexes its objects.
func (f *File) readObjStm(v any, num int) *objStm {
	s, ok := v.(Stream)
	if !ok || s.Dict.Get("Type") != Name("ObjStm") {
		return &objStm{err: fmt.Errorf("object %d is not an object stream", num)}
	}
	data, err := f.Decode(s)
	if err != nil {
		return &objStm{err: fmt.Errorf("object stream %d: %w", num, err)}
	}
	n, _ := s.Dict.Get("N").(int64)
	first, _ := s.Dict.Get("First").(int64)
	if n < 0 || n > maxObjStmN || first < 0 || first > int64(len(data)) {
		return &objStm{err: fmt.Errorf("object stream %d: bad /N or /First", num)}
	}
	stm := &objStm{data: data}
	hs := NewScanner(data[:first], 0)
	for range n {
		objNum, ok1 := hs.integer()
		off, ok2 := hs.integer()
		if !ok1 || !ok2 || int64(off) > int64(len(data))-first {
			break
		}
		stm.nums = append(stm.nums, objNum)
		stm.offs = append(stm.offs, int(first)+off)
	}
	return stm
}

// find returns the index of object num, trying its declared index first.
func (stm *objStm) find(num, idx int) (int, bool) {
	if idx >= 0 && idx < len(stm.nums) && stm.nums[idx] == num {
		return idx, true
	}
	if stm.byNum == nil {
		stm.byNum = make(map[int]int, len(stm.nums))
		for i, n := range stm.nums {
			if _, dup := stm.byNum[n]; !dup {
				stm.byNum[n] = i
			}
		}
	}
	i, ok := stm.byNum[num]
	return i, ok
}
