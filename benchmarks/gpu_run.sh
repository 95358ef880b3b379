#!/usr/bin/env bash
# What a lent GPU machine runs (CONTRIBUTING, "On a GPU"): the GPU-only tests, the training
# benchmark, then the full profile of the chapters named in CHAPTERS, PARALLEL at a time,
# all within SECONDS. Results land in $OUT (the device tool's folder): summary.txt,
# gpu_tests.txt, train_speed_*.txt and logs.tgz (every chapter's log).
#
#   run: bash benchmarks/gpu_run.sh       carry: [".gpu"]       (.gpu/data: see CONTRIBUTING)
set -u
START=$(date +%s); SECONDS_LEFT() { echo $(( START + ${SECONDS_TOTAL:-420} - $(date +%s) )); }
: "${CHAPTERS:=book/architectures/alexnet.md book/architectures/vgg-nin.md book/architectures/comparison.md}"
: "${OUT:=/tmp/gpu-out}"; mkdir -p "$OUT" /tmp/gpu-logs
export DLBOOK_DATA=/tmp/dlbook-data DLBOOK_OFFLINE=1 PYTHONUNBUFFERED=1 MPLBACKEND=Agg
export PYTHONPATH=$PWD
mkdir -p $DLBOOK_DATA && cp -r .gpu/data/FashionMNIST .gpu/data/MNIST $DLBOOK_DATA/ &&
    tar -C $DLBOOK_DATA -xJf .gpu/data/cifar.tar.xz || { echo "no .gpu/data: see CONTRIBUTING"; exit 1; }
# every data set read once, before processes that would unpack it at the same time start
python3 -c "
import sys, torch, torchvision; from dlbook_code import load_tensors
print(sys.version.split()[0], torch.__version__, torchvision.__version__, torch.cuda.get_device_name())
for d in ('fashion-mnist', 'mnist', 'cifar10'):
    for t in (True, False): load_tensors(d, train=t)" 2>&1 | grep -v cifar10: | tee /tmp/gpu-logs/env.txt
timeout 60 python3 -m pytest -q -p no:cacheprovider tests/package/test_gpu.py 2>&1 | tail -3 | tee /tmp/gpu-logs/gpu_tests.txt
if [ "${TRAIN_SPEED:-1}" = 1 ]; then
    timeout 110 python3 benchmarks/train_speed.py --device cuda --repeats 2 --convnet-10-epochs | tee /tmp/gpu-logs/train_speed_fp32.txt
    timeout 60 python3 benchmarks/train_speed.py --device cuda --amp --channels-last --convnet-10-epochs | tee /tmp/gpu-logs/train_speed_amp.txt
fi
DLBOOK_PROFILE=full OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} python3 benchmarks/run_chapters.py \
    --logs /tmp/gpu-logs/chapters --parallel ${PARALLEL:-4} --seconds $(( $(SECONDS_LEFT) - 15 )) \
    $CHAPTERS | tee /tmp/gpu-logs/summary.txt
tar -C /tmp -czf "$OUT/logs.tgz" gpu-logs
cp /tmp/gpu-logs/*.txt "$OUT/"
echo "total $(( $(date +%s) - START )) s"
