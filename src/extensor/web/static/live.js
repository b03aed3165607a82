// extensor live coach page: camera frames to the server over a WebSocket, events back.
// One frame is in flight at a time: the next is grabbed only when the server has answered,
// so a slow computer drops frames instead of falling behind. No external code.
"use strict";

(function () {
  const root = document.getElementById("live");
  if (!root) { return; }
  const MAX_SIDE = 480;            // px: the pose model works on a 256 px crop of the person
  const JPEG_QUALITY = 0.7;
  const BONES = [["shoulder", "hip"], ["hip", "knee"], ["knee", "ankle"], ["shoulder", "elbow"],
                 ["elbow", "wrist"], ["ear", "shoulder"]];
  const $ = (id) => document.getElementById(id);
  const video = $("live-video"), overlay = $("live-overlay");
  const grab = document.createElement("canvas");
  let ws = null, stream = null, t0 = 0, running = false, waiting = false, side = "left", frames = 0;

  function say(text) {
    if (!$("live-voice").checked || !("speechSynthesis" in window)) { return; }
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }

  function log(text) {
    const li = document.createElement("li");
    li.textContent = text;
    $("live-log").prepend(li);
  }

  function draw(points) {
    const ctx = overlay.getContext("2d");
    overlay.width = video.clientWidth; overlay.height = video.clientHeight;
    ctx.clearRect(0, 0, overlay.width, overlay.height);
    if (!points) { return; }
    const sx = overlay.width, sy = overlay.height;
    ctx.lineWidth = 4; ctx.lineCap = "round";
    for (const [a, b] of BONES) {
      const p = points[side + "_" + a], q = points[side + "_" + b];
      if (!p || !q) { continue; }
      ctx.strokeStyle = (a === "shoulder" && b === "hip") ? "#ffb000" : "#34c759";
      ctx.beginPath(); ctx.moveTo(p[0] * sx, p[1] * sy); ctx.lineTo(q[0] * sx, q[1] * sy); ctx.stroke();
    }
  }

  function onEvent(e) {
    if (e.type === "pose") { side = e.side || side; draw(e.points); return; }
    if (e.type === "status") {
      $("live-reps").textContent = String(e.reps);
      $("live-phase").textContent = e.phase;
      $("live-angle").textContent = e.extension_deg === null ? "-" : Math.round(e.extension_deg) + "°";
      return;
    }
    if (e.type === "rep") {
      $("live-reps").textContent = String(e.rep);
      log("Rep " + e.rep + ": lift " + e.lift_s + " s, lower " + e.lower_s + " s");
      return;
    }
    if (e.type === "cue") { $("live-cue").textContent = e.text; say(e.phrase); log("Cue: " + e.text); return; }
    if (e.type === "notice") { log(e.message); return; }
    if (e.type === "error") { $("live-status").textContent = e.message; return; }
    if (e.type === "set_end") {
      log("Set " + e.set + " ended: " + e.reps + " reps" + (e.report ? "" : ""));
      if (e.summary) { $("live-status").textContent = e.summary; }
    }
  }

  function sendFrame() {
    if (!running || waiting || !ws || ws.readyState !== WebSocket.OPEN || !video.videoWidth) { return; }
    const scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
    grab.width = Math.round(video.videoWidth * scale); grab.height = Math.round(video.videoHeight * scale);
    grab.getContext("2d").drawImage(video, 0, 0, grab.width, grab.height);
    const t = (performance.now() - t0) / 1000;
    waiting = true;
    grab.toBlob(async (blob) => {
      if (!blob || !ws || ws.readyState !== WebSocket.OPEN) { waiting = false; return; }
      const head = new Float64Array([t]);
      ws.send(new Blob([head.buffer, blob]));
    }, "image/jpeg", JPEG_QUALITY);
  }

  async function start() {
    $("live-start").disabled = true;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment", width: { ideal: 640 } }, audio: false,
      });
    } catch (err) {
      $("live-status").textContent = "No camera: " + err.message + " (on a phone, open this page over https).";
      $("live-start").disabled = false;
      return;
    }
    video.srcObject = stream;
    await video.play();
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    ws = new WebSocket(proto + "//" + location.host + root.dataset.wsPath);
    ws.binaryType = "arraybuffer";
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: "start", csrf: root.dataset.csrf,
        goal: $("live-goal").value, variant: $("live-variant").value }));
    };
    ws.onmessage = (msg) => {
      const data = JSON.parse(msg.data);
      if (data.type === "ready") {
        running = true; t0 = performance.now();
        $("live-stop").disabled = false; $("live-status").textContent = "Coaching: start your set.";
        sendFrame();
        return;
      }
      if (data.type === "frame_done") {
        waiting = false;
        frames += 1;
        const secs = (performance.now() - t0) / 1000;
        if (secs > 1) { $("live-status").textContent = "Coaching at " + (frames / secs).toFixed(1) + " frames/s."; }
        (data.events || []).forEach(onEvent);
        requestAnimationFrame(sendFrame);
        return;
      }
      onEvent(data);
    };
    ws.onclose = () => { running = false; $("live-start").disabled = false; $("live-stop").disabled = true; };
  }

  function stop() {
    if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify({ type: "stop" })); }
    running = false;
    $("live-stop").disabled = true;
    if (stream) { stream.getTracks().forEach((t) => t.stop()); }
  }

  $("live-start").addEventListener("click", start);
  $("live-stop").addEventListener("click", stop);
})();
