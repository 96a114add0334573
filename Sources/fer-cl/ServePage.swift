/// The one page `fer-cl serve` serves: photos (drop or choose) and the webcam are posted to
/// /predict; boxes, labels and probability bars are drawn over the picture. No external
/// resources. For tests and links: `?camera=1` starts the webcam at once, and
/// `#photo=<data URI>` posts that photo as if dropped.
enum ServePage {
    static let html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>fer-cl: facial expressions</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:1em auto;max-width:900px;padding:0 1em;color:#222}
        #drop{border:2px dashed #999;border-radius:8px;padding:1em;text-align:center;color:#555}
        #drop.over{background:#eef}
        #stage{position:relative;display:inline-block;margin-top:1em;max-width:100%}
        #stage img,#stage video,#stage canvas{max-width:100%;display:block}
        .box{position:absolute;border:3px solid #0a0;box-sizing:border-box}
        .box span{position:absolute;left:-3px;top:-1.6em;background:#0a0;color:#fff;padding:0 4px;font-size:14px;white-space:nowrap}
        .face{margin:.6em 0}.bars{display:grid;grid-template-columns:6em 1fr 3.5em;gap:2px 6px;align-items:center;max-width:500px}
        .bar{height:12px;background:#4a7}.error{color:#b00}#status{color:#555}
        </style></head><body>
        <h1>Facial expressions</h1>
        <div id="drop">Drop photos here, or <input type="file" id="file" accept="image/jpeg,image/png" multiple>
        <button id="camera">Start webcam</button></div>
        <p id="status">ready</p>
        <div id="stage"></div>
        <div id="faces"></div>
        <script>
        "use strict";
        const stage = document.getElementById("stage"), facesDiv = document.getElementById("faces"), status = document.getElementById("status");
        let frames = 0, started = 0, stream = null;

        function show(result, width, height) {
          for (const old of stage.querySelectorAll(".box")) old.remove();
          facesDiv.textContent = "";
          for (const face of result.faces) {
            const box = document.createElement("div");
            box.className = "box";
            box.style.left = (100 * face.box.x / width) + "%";
            box.style.top = (100 * face.box.y / height) + "%";
            box.style.width = (100 * face.box.width / width) + "%";
            box.style.height = (100 * face.box.height / height) + "%";
            const label = document.createElement("span");
            label.className = "label";
            label.textContent = face.emotion + " " + Math.round(face.confidence * 100) + "%";
            box.appendChild(label);
            stage.appendChild(box);
            const item = document.createElement("div");
            item.className = "face";
            item.dataset.emotion = face.emotion;
            const bars = document.createElement("div");
            bars.className = "bars";
            const ranked = Object.entries(face.probabilities).sort((a, b) => b[1] - a[1]);
            for (const [name, p] of ranked) {
              const n = document.createElement("span"); n.textContent = name;
              const b = document.createElement("div"); b.className = "bar"; b.style.width = (100 * p) + "%"; b.dataset.emotion = name;
              const v = document.createElement("span"); v.textContent = (100 * p).toFixed(1) + "%";
              bars.append(n, b, v);
            }
            item.appendChild(bars);
            facesDiv.appendChild(item);
          }
          if (result.faces.length === 0) facesDiv.textContent = "no face found";
        }

        async function predict(blob) {
          const response = await fetch("/predict", {method: "POST", body: blob, headers: {"Content-Type": blob.type || "application/octet-stream"}});
          const result = await response.json();
          if (!response.ok) throw new Error(result.error || response.statusText);
          return result;
        }

        async function photo(blob) {
          stopCamera();
          stage.textContent = "";
          const img = document.createElement("img");
          img.src = URL.createObjectURL(blob);
          stage.appendChild(img);
          status.textContent = "classifying…";
          try {
            const result = await predict(blob);
            show(result, result.width, result.height);
            status.textContent = result.faces.length + " face(s) in " + result.milliseconds.toFixed(0) + " ms";
          } catch (error) {
            status.innerHTML = ""; const e = document.createElement("span"); e.className = "error"; e.textContent = String(error.message); status.appendChild(e);
          }
        }

        function stopCamera() {
          if (stream) { for (const track of stream.getTracks()) track.stop(); stream = null; }
        }

        async function startCamera() {
          stage.textContent = "";
          const video = document.createElement("video");
          video.muted = true; video.playsInline = true;
          stage.appendChild(video);
          try {
            stream = await navigator.mediaDevices.getUserMedia({video: {width: 640, height: 480}});
          } catch (error) {
            status.textContent = "webcam unavailable: " + error.message; return;
          }
          video.srcObject = stream;
          await video.play();
          const canvas = document.createElement("canvas");
          frames = 0; started = performance.now();
          while (stream) {
            if (video.videoWidth === 0) { await new Promise(r => setTimeout(r, 50)); continue; }
            canvas.width = video.videoWidth; canvas.height = video.videoHeight;
            canvas.getContext("2d").drawImage(video, 0, 0);
            const blob = await new Promise(r => canvas.toBlob(r, "image/jpeg", 0.85));
            try {
              const result = await predict(blob);
              if (!stream) break;
              show(result, canvas.width, canvas.height);
              frames += 1;
              const fps = frames / ((performance.now() - started) / 1000);
              document.body.dataset.frames = frames;
              document.body.dataset.fps = fps.toFixed(2);
              status.textContent = "webcam: " + frames + " frames, " + fps.toFixed(1) + " frames/s";
            } catch (error) {
              status.textContent = "error: " + error.message;
              await new Promise(r => setTimeout(r, 500));
            }
          }
        }

        const drop = document.getElementById("drop");
        drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
        drop.addEventListener("dragleave", () => drop.classList.remove("over"));
        drop.addEventListener("drop", e => { e.preventDefault(); drop.classList.remove("over"); if (e.dataTransfer.files.length) photo(e.dataTransfer.files[0]); });
        document.getElementById("file").addEventListener("change", e => { if (e.target.files.length) photo(e.target.files[0]); });
        document.getElementById("camera").addEventListener("click", () => { stopCamera(); startCamera(); });
        if (location.hash.startsWith("#photo=")) fetch(location.hash.slice(7)).then(r => r.blob()).then(photo);
        else if (new URLSearchParams(location.search).get("camera") === "1") startCamera();
        </script></body></html>
        """
}
