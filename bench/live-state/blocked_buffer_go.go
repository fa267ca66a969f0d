// N goroutines, each fills a 32 KiB local buffer, keeps a checksum of it
// and then waits on a sync.Cond (the Go peer of blocked_buffer.c). Prints
// the number and the resident bytes per goroutine (VmRSS after all have
// arrived minus before, over N).
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

const bufBytes = 32768

func rssKiB() int64 {
	f, _ := os.Open("/proc/self/status")
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if strings.HasPrefix(s.Text(), "VmRSS:") {
			v, _ := strconv.ParseInt(strings.Fields(s.Text())[1], 10, 64)
			return v
		}
	}
	return -1
}

//go:noinline
func checksum(seed int) uint64 {
	var buf [bufBytes]byte
	for i := range buf {
		buf[i] = byte(i*31 + seed)
	}
	var sum uint64
	for i := 0; i < bufBytes; i += 64 {
		sum += uint64(buf[i])
	}
	return sum
}

func main() {
	n := 100000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	var mu sync.Mutex
	cv := sync.NewCond(&mu)
	arrived, released := 0, false
	var total uint64
	var wg sync.WaitGroup
	runtime.GC()
	before := rssKiB()
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func(seed int) {
			sum := checksum(seed)
			mu.Lock()
			arrived++
			total += sum
			for !released {
				cv.Wait()
			}
			mu.Unlock()
			wg.Done()
		}(i)
	}
	for {
		mu.Lock()
		a := arrived
		mu.Unlock()
		if a == n {
			break
		}
		runtime.Gosched()
	}
	after := rssKiB()
	fmt.Printf("%d %.0f\n", n, float64(after-before)*1024/float64(n))
	mu.Lock()
	released = true
	cv.Broadcast()
	mu.Unlock()
	wg.Wait()
	if total == 0 {
		fmt.Println("checksum 0")
	}
}
