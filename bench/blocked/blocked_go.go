// N goroutines, each blocked on a sync.Cond. Prints the number and the
// resident bytes per goroutine (VmRSS after minus before, over N).
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

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	var mu sync.Mutex
	cv := sync.NewCond(&mu)
	arrived, released := 0, false
	var wg sync.WaitGroup
	runtime.GC()
	before := rssKiB()
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			mu.Lock()
			arrived++
			for !released {
				cv.Wait()
			}
			mu.Unlock()
			wg.Done()
		}()
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
}
