// extensor web app: live job progress and an early size check. No external code.
"use strict";

(function () {
  const POLL_MS = 1000;

  function watchJob(section) {
    const id = section.dataset.jobId;
    const bar = document.getElementById("job-progress");
    const stage = document.getElementById("job-stage");
    const title = document.getElementById("job-title");
    async function poll() {
      let job;
      try {
        const resp = await fetch("/api/jobs/" + encodeURIComponent(id), {
          headers: { Accept: "application/json" }, credentials: "same-origin",
        });
        if (!resp.ok) { throw new Error(String(resp.status)); }
        job = await resp.json();
      } catch (err) {
        setTimeout(poll, POLL_MS * 3);
        return;
      }
      if (job.state === "done" || job.state === "failed") {
        window.location.reload();
        return;
      }
      if (bar) { bar.value = job.progress; bar.textContent = Math.round(job.progress * 100) + "%"; }
      if (stage) {
        stage.textContent = job.stage + (job.queue_position ? " (" + job.queue_position + " ahead)" : "");
      }
      if (title) { title.textContent = job.state === "queued" ? "Waiting for a worker" : "Analysing"; }
      setTimeout(poll, POLL_MS);
    }
    setTimeout(poll, POLL_MS);
  }

  function guardUpload(form) {
    const input = form.querySelector('input[type="file"]');
    const message = document.getElementById("size-error");
    const button = document.getElementById("upload-button");
    const mb = 1024 * 1024;
    form.addEventListener("submit", function (event) {
      const file = input && input.files && input.files[0];
      if (!file) { return; }
      const isVideo = /^(video|image\/gif)/.test(file.type);
      const limit = (isVideo ? Number(form.dataset.maxVideoMb) : Number(form.dataset.maxFileMb)) * mb;
      const hardLimit = Number(form.dataset.maxVideoMb) * mb;
      if (file.size > hardLimit || (!isVideo && file.type && file.size > limit)) {
        event.preventDefault();
        message.textContent = "This file is too large (" + (file.size / mb).toFixed(0) +
          " MB); the limit is " + (limit / mb).toFixed(0) + " MB.";
        message.hidden = false;
        return;
      }
      if (button) { button.disabled = true; button.textContent = "Uploading…"; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const section = document.getElementById("job");
    if (section && (section.dataset.state === "queued" || section.dataset.state === "running")) {
      watchJob(section);
    }
    const form = document.getElementById("upload-form");
    if (form) { guardUpload(form); }
  });
})();
