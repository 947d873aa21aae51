package textclass

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// magic starts a saved model; the number after it is the format version.
const magic = "atazan-textclass-1\n"

// WriteTo saves the model: a header, the class names, then the weights as
// little-endian float32.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	cw := &countWriter{w: bw}
	cw.write([]byte(magic))
	for _, v := range []uint64{uint64(m.cfg.Buckets), uint64(m.cfg.Dim), uint64(m.cfg.Epochs), math.Float64bits(m.cfg.LR), m.cfg.Seed, uint64(len(m.Classes))} {
		cw.u64(v)
	}
	for _, c := range m.Classes {
		cw.u64(uint64(len(c)))
		cw.write([]byte(c))
	}
	for _, part := range [][]float32{m.in, m.out, m.bias} {
		buf := make([]byte, 4*len(part))
		for i, x := range part {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(x))
		}
		cw.write(buf)
	}
	if cw.err == nil {
		cw.err = bw.Flush()
	}
	return cw.n, cw.err
}

// Read loads a model saved by WriteTo. Given a *bufio.Reader it reads no
// further than the model, so several models can follow one another.
func Read(r io.Reader) (*Model, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	head := make([]byte, len(magic))
	if _, err := io.ReadFull(br, head); err != nil || string(head) != magic {
		return nil, errors.New("textclass: not a saved model")
	}
	var hdr [6]uint64
	if err := binary.Read(br, binary.LittleEndian, &hdr); err != nil {
		return nil, fmt.Errorf("textclass: reading header: %w", err)
	}
	cfg := Config{Buckets: int(hdr[0]), Dim: int(hdr[1]), Epochs: int(hdr[2]), LR: math.Float64frombits(hdr[3]), Seed: hdr[4]}
	n := int(hdr[5])
	if cfg.Buckets <= 0 || cfg.Dim <= 0 || cfg.Buckets*cfg.Dim > 1<<28 || n <= 0 || n > 1<<16 {
		return nil, errors.New("textclass: implausible header")
	}
	m := &Model{cfg: cfg, Classes: make([]string, n)}
	for i := range m.Classes {
		var l uint64
		if err := binary.Read(br, binary.LittleEndian, &l); err != nil || l > 1<<10 {
			return nil, errors.New("textclass: bad class name")
		}
		b := make([]byte, l)
		if _, err := io.ReadFull(br, b); err != nil {
			return nil, fmt.Errorf("textclass: reading class names: %w", err)
		}
		m.Classes[i] = string(b)
	}
	m.in = make([]float32, cfg.Buckets*cfg.Dim)
	m.out = make([]float32, n*cfg.Dim)
	m.bias = make([]float32, n)
	for _, part := range [][]float32{m.in, m.out, m.bias} {
		buf := make([]byte, 4*len(part))
		if _, err := io.ReadFull(br, buf); err != nil {
			return nil, fmt.Errorf("textclass: reading weights: %w", err)
		}
		for i := range part {
			part[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
		}
	}
	return m, nil
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) write(b []byte) {
	if c.err != nil {
		return
	}
	n, err := c.w.Write(b)
	c.n += int64(n)
	c.err = err
}

func (c *countWriter) u64(v uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	c.write(b[:])
}
