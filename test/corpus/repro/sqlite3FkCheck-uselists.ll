; sqlite3FkCheck from Debian sqlite3 3.40.1 amalgamation (clang-19 -O2, the
; options in test/corpus/run), with the use-list order of the real compile
; (clang -emit-llvm -Xclang -emit-llvm-uselists; llvm-dis -preserve-ll-uselistorder).
;   llc-19 -O2 -relocation-model=pic --stack-size-section -filetype=obj   -> frame 184
;   the same without the uselistorder lines, or a CloneModule copy        -> frame 168
; ModuleID = 'sqlite3FkCheck-uselists.ll'
source_filename = "sqlite3.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

%struct.HashElem = type { ptr, ptr, ptr, ptr }
%struct.Db = type { ptr, ptr, i8, i8, ptr }
%struct.sColMap = type { i32, ptr }
%struct.Column = type { ptr, i8, i8, i8, i8, i16, i16 }
%struct.VdbeOp = type { i8, i8, i16, i32, i32, i32, %union.p4union, ptr }
%union.p4union = type { ptr }
%struct._ht = type { i32, ptr }

@sqlite3UpperToLower = external hidden unnamed_addr constant [274 x i8], align 16
@findElementWithHash.nullElement = external hidden global %struct.HashElem, align 8

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(argmem: readwrite)
declare void @llvm.lifetime.start.p0(i64 immarg, ptr nocapture) #0

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(argmem: readwrite)
declare void @llvm.lifetime.end.p0(i64 immarg, ptr nocapture) #0

; Function Attrs: nocallback nofree nounwind willreturn memory(argmem: write)
declare void @llvm.memset.p0.i64(ptr nocapture writeonly, i8, i64, i1 immarg) #1

; Function Attrs: nounwind uwtable
declare hidden fastcc ptr @sqlite3LocateTable(ptr noundef, i32 noundef, ptr noundef, ptr noundef) unnamed_addr #2

; Function Attrs: nounwind uwtable
declare hidden fastcc noundef ptr @sqlite3VdbeCreate(ptr noundef) unnamed_addr #2

; Function Attrs: nofree norecurse nosync nounwind memory(read, inaccessiblemem: none) uwtable
declare hidden fastcc ptr @sqlite3FindTable(ptr nocapture noundef readonly, ptr noundef readonly, ptr noundef readonly) unnamed_addr #3

; Function Attrs: nounwind uwtable
declare hidden fastcc void @sqlite3DbFreeNN(ptr noundef, ptr noundef) unnamed_addr #2

; Function Attrs: nounwind uwtable
declare hidden fastcc ptr @sqlite3DbMallocRawNN(ptr noundef, i64 noundef) unnamed_addr #2

; Function Attrs: nounwind uwtable
declare hidden fastcc void @sqlite3SrcListDelete(ptr noundef, ptr noundef) unnamed_addr #2

; Function Attrs: noinline nounwind uwtable
declare hidden fastcc i32 @growOp3(ptr nocapture noundef, i32 noundef, i32 noundef, i32 noundef, i32 noundef) unnamed_addr #4

; Function Attrs: noinline nounwind uwtable
declare hidden fastcc void @lockTable(ptr nocapture noundef, i32 noundef, i32 noundef, i8 noundef zeroext, ptr noundef) unnamed_addr #4

; Function Attrs: nounwind uwtable
declare hidden fastcc i32 @sqlite3AuthReadCol(ptr nocapture noundef, ptr noundef, ptr noundef, i32 noundef) unnamed_addr #2

; Function Attrs: nounwind uwtable
define hidden fastcc void @sqlite3FkCheck(ptr noundef %0, ptr noundef %1, i32 noundef %2, i32 noundef %3, ptr noundef readonly %4, i32 noundef %5) unnamed_addr #2 {
  %7 = alloca ptr, align 8
  %8 = alloca ptr, align 8
  %9 = alloca i32, align 4
  %10 = alloca ptr, align 8
  %11 = alloca ptr, align 8
  %12 = load ptr, ptr %0, align 8, !tbaa !5
  %13 = getelementptr inbounds i8, ptr %0, i64 223
  %14 = load i8, ptr %13, align 1, !tbaa !13
  %15 = getelementptr inbounds i8, ptr %12, i64 48
  %16 = load i64, ptr %15, align 8, !tbaa !14
  %17 = and i64 %16, 16384
  %18 = icmp eq i64 %17, 0
  br i1 %18, label %663, label %19

19:                                               ; preds = %6
  %20 = getelementptr inbounds i8, ptr %1, i64 63
  %21 = load i8, ptr %20, align 1, !tbaa !21
  %22 = icmp eq i8 %21, 0
  br i1 %22, label %23, label %663

23:                                               ; preds = %19
  %24 = getelementptr inbounds i8, ptr %1, i64 96
  %25 = load ptr, ptr %24, align 8, !tbaa !23
  %26 = icmp eq ptr %25, null
  %27 = getelementptr inbounds i8, ptr %12, i64 32
  %28 = load ptr, ptr %27, align 8, !tbaa !24
  br i1 %26, label %37, label %29

29:                                               ; preds = %23, %29
  %30 = phi i64 [ %34, %29 ], [ 0, %23 ]
  %31 = getelementptr inbounds %struct.Db, ptr %28, i64 %30, i32 4
  %32 = load ptr, ptr %31, align 8, !tbaa !25
  %33 = icmp eq ptr %32, %25
  %34 = add nuw nsw i64 %30, 1
  br i1 %33, label %35, label %29

35:                                               ; preds = %29
  %36 = trunc nuw nsw i64 %30 to i32
  br label %37

37:                                               ; preds = %23, %35
  %38 = phi i32 [ %36, %35 ], [ -32768, %23 ]
  %39 = sext i32 %38 to i64
  %40 = getelementptr inbounds %struct.Db, ptr %28, i64 %39
  %41 = load ptr, ptr %40, align 8, !tbaa !27
  %42 = getelementptr inbounds i8, ptr %1, i64 72
  %43 = load ptr, ptr %42, align 8, !tbaa !28
  %44 = icmp eq ptr %43, null
  br i1 %44, label %445, label %45

45:                                               ; preds = %37
  %46 = icmp eq ptr %4, null
  %47 = getelementptr inbounds i8, ptr %1, i64 52
  %48 = icmp eq i32 %5, 0
  %49 = getelementptr inbounds i8, ptr %12, i64 504
  %50 = icmp eq i32 %38, 1
  %51 = getelementptr inbounds i8, ptr %0, i64 52
  %52 = icmp eq i32 %2, 0
  %53 = icmp eq i32 %3, 0
  %54 = getelementptr inbounds i8, ptr %0, i64 168
  %55 = icmp eq i8 %14, 0
  %56 = getelementptr inbounds i8, ptr %12, i64 103
  %57 = getelementptr inbounds i8, ptr %0, i64 16
  %58 = getelementptr inbounds i8, ptr %0, i64 35
  %59 = add i32 %2, 1
  br label %60

60:                                               ; preds = %45, %439
  %61 = phi ptr [ %43, %45 ], [ %441, %439 ]
  call void @llvm.lifetime.start.p0(i64 8, ptr nonnull %7) #6
  store ptr null, ptr %7, align 8, !tbaa !29
  call void @llvm.lifetime.start.p0(i64 8, ptr nonnull %8) #6
  store ptr null, ptr %8, align 8, !tbaa !29
  call void @llvm.lifetime.start.p0(i64 4, ptr nonnull %9) #6
  br i1 %46, label %112, label %62

62:                                               ; preds = %60
  %63 = load ptr, ptr %1, align 8, !tbaa !30
  %64 = getelementptr inbounds i8, ptr %61, i64 16
  %65 = load ptr, ptr %64, align 8, !tbaa !31
  %66 = icmp eq ptr %63, null
  %67 = icmp eq ptr %65, null
  br i1 %66, label %88, label %68

68:                                               ; preds = %62
  br i1 %67, label %89, label %69

69:                                               ; preds = %68, %85
  %70 = phi ptr [ %87, %85 ], [ %65, %68 ]
  %71 = phi ptr [ %86, %85 ], [ %63, %68 ]
  %72 = load i8, ptr %71, align 1, !tbaa !28
  %73 = load i8, ptr %70, align 1, !tbaa !28
  %74 = icmp eq i8 %72, %73
  br i1 %74, label %75, label %77

75:                                               ; preds = %69
  %76 = icmp eq i8 %72, 0
  br i1 %76, label %112, label %85

77:                                               ; preds = %69
  %78 = zext i8 %72 to i64
  %79 = getelementptr inbounds [274 x i8], ptr @sqlite3UpperToLower, i64 0, i64 %78
  %80 = load i8, ptr %79, align 1, !tbaa !28
  %81 = zext i8 %73 to i64
  %82 = getelementptr inbounds [274 x i8], ptr @sqlite3UpperToLower, i64 0, i64 %81
  %83 = load i8, ptr %82, align 1, !tbaa !28
  %84 = icmp eq i8 %80, %83
  br i1 %84, label %85, label %89

85:                                               ; preds = %77, %75
  %86 = getelementptr inbounds i8, ptr %71, i64 1
  %87 = getelementptr inbounds i8, ptr %70, i64 1
  br label %69

88:                                               ; preds = %62
  br i1 %67, label %112, label %89

89:                                               ; preds = %77, %68, %88
  %90 = getelementptr inbounds i8, ptr %61, i64 64
  %91 = getelementptr inbounds i8, ptr %61, i64 40
  %92 = load i32, ptr %91, align 8, !tbaa !33
  %93 = icmp sgt i32 %92, 0
  br i1 %93, label %94, label %439

94:                                               ; preds = %89
  %95 = zext nneg i32 %92 to i64
  br label %99

96:                                               ; preds = %107
  %97 = add nuw nsw i64 %100, 1
  %98 = icmp eq i64 %97, %95
  br i1 %98, label %439, label %99, !llvm.loop !34

99:                                               ; preds = %96, %94
  %100 = phi i64 [ 0, %94 ], [ %97, %96 ]
  %101 = getelementptr inbounds [1 x %struct.sColMap], ptr %90, i64 0, i64 %100
  %102 = load i32, ptr %101, align 8, !tbaa !36
  %103 = sext i32 %102 to i64
  %104 = getelementptr inbounds i32, ptr %4, i64 %103
  %105 = load i32, ptr %104, align 4, !tbaa !38
  %106 = icmp sgt i32 %105, -1
  br i1 %106, label %112, label %107

107:                                              ; preds = %99
  %108 = load i16, ptr %47, align 4, !tbaa !39
  %109 = sext i16 %108 to i32
  %110 = icmp ne i32 %102, %109
  %111 = or i1 %48, %110
  br i1 %111, label %96, label %112

112:                                              ; preds = %75, %107, %99, %88, %60
  %113 = load i8, ptr %13, align 1, !tbaa !13
  %114 = icmp eq i8 %113, 0
  %115 = getelementptr inbounds i8, ptr %61, i64 16
  %116 = load ptr, ptr %115, align 8, !tbaa !31
  br i1 %114, label %119, label %117

117:                                              ; preds = %112
  %118 = call fastcc ptr @sqlite3FindTable(ptr noundef %12, ptr noundef %116, ptr noundef %41)
  br label %121

119:                                              ; preds = %112
  %120 = call fastcc ptr @sqlite3LocateTable(ptr noundef nonnull %0, i32 noundef 0, ptr noundef %116, ptr noundef %41)
  br label %121

121:                                              ; preds = %119, %117
  %122 = phi ptr [ %118, %117 ], [ %120, %119 ]
  %123 = icmp eq ptr %122, null
  br i1 %123, label %127, label %124

124:                                              ; preds = %121
  %125 = call fastcc i32 @sqlite3FkLocateIndex(ptr noundef nonnull %0, ptr noundef nonnull %122, ptr noundef nonnull %61, ptr noundef nonnull %7, ptr noundef nonnull %8)
  %126 = icmp eq i32 %125, 0
  br i1 %126, label %337, label %127

127:                                              ; preds = %124, %121
  br i1 %55, label %438, label %128

128:                                              ; preds = %127
  %129 = load i8, ptr %56, align 1, !tbaa !40
  %130 = icmp eq i8 %129, 0
  br i1 %130, label %131, label %438

131:                                              ; preds = %128
  br i1 %123, label %132, label %439

132:                                              ; preds = %131
  %133 = load ptr, ptr %57, align 8, !tbaa !41
  %134 = icmp eq ptr %133, null
  br i1 %134, label %135, label %147

135:                                              ; preds = %132
  %136 = load ptr, ptr %54, align 8, !tbaa !42
  %137 = icmp eq ptr %136, null
  br i1 %137, label %138, label %145

138:                                              ; preds = %135
  %139 = load ptr, ptr %0, align 8, !tbaa !5
  %140 = getelementptr inbounds i8, ptr %139, i64 96
  %141 = load i32, ptr %140, align 8, !tbaa !43
  %142 = and i32 %141, 8
  %143 = icmp eq i32 %142, 0
  br i1 %143, label %144, label %145

144:                                              ; preds = %138
  store i8 1, ptr %58, align 1, !tbaa !44
  br label %145

145:                                              ; preds = %144, %138, %135
  %146 = call fastcc ptr @sqlite3VdbeCreate(ptr noundef nonnull %0)
  br label %147

147:                                              ; preds = %132, %145
  %148 = phi ptr [ %146, %145 ], [ %133, %132 ]
  %149 = getelementptr inbounds i8, ptr %148, i64 144
  %150 = load i32, ptr %149, align 8, !tbaa !45
  %151 = getelementptr inbounds i8, ptr %61, i64 40
  %152 = load i32, ptr %151, align 8, !tbaa !33
  %153 = add i32 %150, 1
  %154 = add i32 %153, %152
  %155 = icmp sgt i32 %152, 0
  br i1 %155, label %156, label %316

156:                                              ; preds = %147
  %157 = getelementptr inbounds i8, ptr %61, i64 64
  %158 = getelementptr inbounds i8, ptr %148, i64 148
  %159 = getelementptr inbounds i8, ptr %148, i64 136
  br label %160

160:                                              ; preds = %156, %309
  %161 = phi i64 [ 0, %156 ], [ %310, %309 ]
  %162 = getelementptr inbounds [1 x %struct.sColMap], ptr %157, i64 0, i64 %161
  %163 = load i32, ptr %162, align 8, !tbaa !36
  %164 = load ptr, ptr %61, align 8, !tbaa !47
  %165 = trunc i32 %163 to i16
  %166 = getelementptr inbounds i8, ptr %164, i64 48
  %167 = load i32, ptr %166, align 8, !tbaa !48
  %168 = and i32 %167, 32
  %169 = icmp eq i32 %168, 0
  %170 = icmp slt i16 %165, 0
  %171 = or i1 %170, %169
  br i1 %171, label %290, label %172

172:                                              ; preds = %160
  %173 = and i32 %163, 32767
  %174 = icmp eq i16 %165, 0
  %175 = getelementptr inbounds i8, ptr %164, i64 8
  %176 = load ptr, ptr %175, align 8, !tbaa !49
  %177 = zext nneg i32 %173 to i64
  br i1 %174, label %279, label %178

178:                                              ; preds = %172
  %179 = icmp ult i32 %173, 17
  br i1 %179, label %265, label %180

180:                                              ; preds = %178
  %181 = and i64 %177, 15
  %182 = icmp eq i64 %181, 0
  %183 = select i1 %182, i64 16, i64 %181
  %184 = sub nsw i64 %177, %183
  br label %185

185:                                              ; preds = %185, %180
  %186 = phi i64 [ 0, %180 ], [ %260, %185 ]
  %187 = phi <8 x i16> [ zeroinitializer, %180 ], [ %258, %185 ]
  %188 = phi <8 x i16> [ zeroinitializer, %180 ], [ %259, %185 ]
  %189 = or disjoint i64 %186, 1
  %190 = or disjoint i64 %186, 2
  %191 = or disjoint i64 %186, 3
  %192 = or disjoint i64 %186, 4
  %193 = or disjoint i64 %186, 5
  %194 = or disjoint i64 %186, 6
  %195 = or disjoint i64 %186, 7
  %196 = or disjoint i64 %186, 8
  %197 = or disjoint i64 %186, 9
  %198 = or disjoint i64 %186, 10
  %199 = or disjoint i64 %186, 11
  %200 = or disjoint i64 %186, 12
  %201 = or disjoint i64 %186, 13
  %202 = or disjoint i64 %186, 14
  %203 = or disjoint i64 %186, 15
  %204 = getelementptr inbounds %struct.Column, ptr %176, i64 %186, i32 6
  %205 = getelementptr inbounds %struct.Column, ptr %176, i64 %189, i32 6
  %206 = getelementptr inbounds %struct.Column, ptr %176, i64 %190, i32 6
  %207 = getelementptr inbounds %struct.Column, ptr %176, i64 %191, i32 6
  %208 = getelementptr inbounds %struct.Column, ptr %176, i64 %192, i32 6
  %209 = getelementptr inbounds %struct.Column, ptr %176, i64 %193, i32 6
  %210 = getelementptr inbounds %struct.Column, ptr %176, i64 %194, i32 6
  %211 = getelementptr inbounds %struct.Column, ptr %176, i64 %195, i32 6
  %212 = getelementptr inbounds %struct.Column, ptr %176, i64 %196, i32 6
  %213 = getelementptr inbounds %struct.Column, ptr %176, i64 %197, i32 6
  %214 = getelementptr inbounds %struct.Column, ptr %176, i64 %198, i32 6
  %215 = getelementptr inbounds %struct.Column, ptr %176, i64 %199, i32 6
  %216 = getelementptr inbounds %struct.Column, ptr %176, i64 %200, i32 6
  %217 = getelementptr inbounds %struct.Column, ptr %176, i64 %201, i32 6
  %218 = getelementptr inbounds %struct.Column, ptr %176, i64 %202, i32 6
  %219 = getelementptr inbounds %struct.Column, ptr %176, i64 %203, i32 6
  %220 = load i16, ptr %204, align 2, !tbaa !50
  %221 = load i16, ptr %205, align 2, !tbaa !50
  %222 = load i16, ptr %206, align 2, !tbaa !50
  %223 = load i16, ptr %207, align 2, !tbaa !50
  %224 = load i16, ptr %208, align 2, !tbaa !50
  %225 = load i16, ptr %209, align 2, !tbaa !50
  %226 = load i16, ptr %210, align 2, !tbaa !50
  %227 = load i16, ptr %211, align 2, !tbaa !50
  %228 = insertelement <8 x i16> poison, i16 %220, i64 0
  %229 = insertelement <8 x i16> %228, i16 %221, i64 1
  %230 = insertelement <8 x i16> %229, i16 %222, i64 2
  %231 = insertelement <8 x i16> %230, i16 %223, i64 3
  %232 = insertelement <8 x i16> %231, i16 %224, i64 4
  %233 = insertelement <8 x i16> %232, i16 %225, i64 5
  %234 = insertelement <8 x i16> %233, i16 %226, i64 6
  %235 = insertelement <8 x i16> %234, i16 %227, i64 7
  %236 = load i16, ptr %212, align 2, !tbaa !50
  %237 = load i16, ptr %213, align 2, !tbaa !50
  %238 = load i16, ptr %214, align 2, !tbaa !50
  %239 = load i16, ptr %215, align 2, !tbaa !50
  %240 = load i16, ptr %216, align 2, !tbaa !50
  %241 = load i16, ptr %217, align 2, !tbaa !50
  %242 = load i16, ptr %218, align 2, !tbaa !50
  %243 = load i16, ptr %219, align 2, !tbaa !50
  %244 = insertelement <8 x i16> poison, i16 %236, i64 0
  %245 = insertelement <8 x i16> %244, i16 %237, i64 1
  %246 = insertelement <8 x i16> %245, i16 %238, i64 2
  %247 = insertelement <8 x i16> %246, i16 %239, i64 3
  %248 = insertelement <8 x i16> %247, i16 %240, i64 4
  %249 = insertelement <8 x i16> %248, i16 %241, i64 5
  %250 = insertelement <8 x i16> %249, i16 %242, i64 6
  %251 = insertelement <8 x i16> %250, i16 %243, i64 7
  %252 = lshr <8 x i16> %235, <i16 5, i16 5, i16 5, i16 5, i16 5, i16 5, i16 5, i16 5>
  %253 = lshr <8 x i16> %251, <i16 5, i16 5, i16 5, i16 5, i16 5, i16 5, i16 5, i16 5>
  %254 = and <8 x i16> %252, <i16 1, i16 1, i16 1, i16 1, i16 1, i16 1, i16 1, i16 1>
  %255 = and <8 x i16> %253, <i16 1, i16 1, i16 1, i16 1, i16 1, i16 1, i16 1, i16 1>
  %256 = xor <8 x i16> %254, <i16 1, i16 1, i16 1, i16 1, i16 1, i16 1, i16 1, i16 1>
  %257 = xor <8 x i16> %255, <i16 1, i16 1, i16 1, i16 1, i16 1, i16 1, i16 1, i16 1>
  %258 = add <8 x i16> %256, %187
  %259 = add <8 x i16> %257, %188
  %260 = add nuw i64 %186, 16
  %261 = icmp eq i64 %260, %184
  br i1 %261, label %262, label %185, !llvm.loop !52

262:                                              ; preds = %185
  %263 = add <8 x i16> %259, %258
  %264 = call i16 @llvm.vector.reduce.add.v8i16(<8 x i16> %263)
  br label %265

265:                                              ; preds = %262, %178
  %266 = phi i64 [ 0, %178 ], [ %184, %262 ]
  %267 = phi i16 [ 0, %178 ], [ %264, %262 ]
  br label %268

268:                                              ; preds = %265, %268
  %269 = phi i64 [ %277, %268 ], [ %266, %265 ]
  %270 = phi i16 [ %276, %268 ], [ %267, %265 ]
  %271 = getelementptr inbounds %struct.Column, ptr %176, i64 %269, i32 6
  %272 = load i16, ptr %271, align 2, !tbaa !50
  %273 = lshr i16 %272, 5
  %274 = and i16 %273, 1
  %275 = xor i16 %274, 1
  %276 = add i16 %275, %270
  %277 = add nuw nsw i64 %269, 1
  %278 = icmp eq i64 %277, %177
  br i1 %278, label %279, label %268, !llvm.loop !55

279:                                              ; preds = %268, %172
  %280 = phi i16 [ 0, %172 ], [ %276, %268 ]
  %281 = getelementptr inbounds %struct.Column, ptr %176, i64 %177, i32 6
  %282 = load i16, ptr %281, align 2, !tbaa !50
  %283 = and i16 %282, 32
  %284 = icmp eq i16 %283, 0
  br i1 %284, label %290, label %285

285:                                              ; preds = %279
  %286 = getelementptr inbounds i8, ptr %164, i64 56
  %287 = load i16, ptr %286, align 8, !tbaa !56
  %288 = sub i16 %165, %280
  %289 = add i16 %288, %287
  br label %290

290:                                              ; preds = %160, %279, %285
  %291 = phi i16 [ %289, %285 ], [ %165, %160 ], [ %280, %279 ]
  %292 = sext i16 %291 to i32
  %293 = add i32 %59, %292
  %294 = load i32, ptr %149, align 8, !tbaa !45
  %295 = load i32, ptr %158, align 4, !tbaa !57
  %296 = icmp sgt i32 %295, %294
  br i1 %296, label %299, label %297

297:                                              ; preds = %290
  %298 = call fastcc i32 @growOp3(ptr noundef nonnull %148, i32 noundef 50, i32 noundef %293, i32 noundef %154, i32 noundef 0)
  br label %309

299:                                              ; preds = %290
  %300 = add nsw i32 %294, 1
  store i32 %300, ptr %149, align 8, !tbaa !45
  %301 = load ptr, ptr %159, align 8, !tbaa !58
  %302 = sext i32 %294 to i64
  %303 = getelementptr inbounds %struct.VdbeOp, ptr %301, i64 %302
  store i8 50, ptr %303, align 8, !tbaa !59
  %304 = getelementptr inbounds i8, ptr %303, i64 2
  store i16 0, ptr %304, align 2, !tbaa !61
  %305 = getelementptr inbounds i8, ptr %303, i64 4
  store i32 %293, ptr %305, align 4, !tbaa !62
  %306 = getelementptr inbounds i8, ptr %303, i64 8
  store i32 %154, ptr %306, align 8, !tbaa !63
  %307 = getelementptr inbounds i8, ptr %303, i64 12
  %308 = getelementptr inbounds i8, ptr %303, i64 1
  store i8 0, ptr %308, align 1, !tbaa !64
  call void @llvm.memset.p0.i64(ptr noundef nonnull align 4 dereferenceable(20) %307, i8 0, i64 20, i1 false)
  br label %309

309:                                              ; preds = %297, %299
  %310 = add nuw nsw i64 %161, 1
  %311 = load i32, ptr %151, align 8, !tbaa !33
  %312 = sext i32 %311 to i64
  %313 = icmp slt i64 %310, %312
  br i1 %313, label %160, label %314, !llvm.loop !65

314:                                              ; preds = %309
  %315 = load i32, ptr %149, align 8, !tbaa !45
  br label %316

316:                                              ; preds = %314, %147
  %317 = phi i32 [ %315, %314 ], [ %150, %147 ]
  %318 = getelementptr inbounds i8, ptr %61, i64 44
  %319 = load i8, ptr %318, align 4, !tbaa !66
  %320 = zext i8 %319 to i32
  %321 = getelementptr inbounds i8, ptr %148, i64 148
  %322 = load i32, ptr %321, align 4, !tbaa !57
  %323 = icmp sgt i32 %322, %317
  br i1 %323, label %326, label %324

324:                                              ; preds = %316
  %325 = call fastcc i32 @growOp3(ptr noundef nonnull %148, i32 noundef 158, i32 noundef %320, i32 noundef -1, i32 noundef 0)
  br label %439

326:                                              ; preds = %316
  %327 = add nsw i32 %317, 1
  store i32 %327, ptr %149, align 8, !tbaa !45
  %328 = getelementptr inbounds i8, ptr %148, i64 136
  %329 = load ptr, ptr %328, align 8, !tbaa !58
  %330 = sext i32 %317 to i64
  %331 = getelementptr inbounds %struct.VdbeOp, ptr %329, i64 %330
  store i8 -98, ptr %331, align 8, !tbaa !59
  %332 = getelementptr inbounds i8, ptr %331, i64 2
  store i16 0, ptr %332, align 2, !tbaa !61
  %333 = getelementptr inbounds i8, ptr %331, i64 4
  store i32 %320, ptr %333, align 4, !tbaa !62
  %334 = getelementptr inbounds i8, ptr %331, i64 8
  store i32 -1, ptr %334, align 8, !tbaa !63
  %335 = getelementptr inbounds i8, ptr %331, i64 12
  %336 = getelementptr inbounds i8, ptr %331, i64 1
  store i8 0, ptr %336, align 1, !tbaa !64
  call void @llvm.memset.p0.i64(ptr noundef nonnull align 4 dereferenceable(20) %335, i8 0, i64 20, i1 false)
  br label %439

337:                                              ; preds = %124
  %338 = load ptr, ptr %8, align 8, !tbaa !29
  %339 = icmp eq ptr %338, null
  br i1 %339, label %340, label %343

340:                                              ; preds = %337
  %341 = getelementptr inbounds i8, ptr %61, i64 64
  %342 = load i32, ptr %341, align 8, !tbaa !36
  store i32 %342, ptr %9, align 4, !tbaa !38
  br label %343

343:                                              ; preds = %337, %340
  %344 = phi ptr [ %9, %340 ], [ %338, %337 ]
  %345 = getelementptr inbounds i8, ptr %61, i64 40
  %346 = load i32, ptr %345, align 8, !tbaa !33
  %347 = icmp sgt i32 %346, 0
  br i1 %347, label %348, label %387

348:                                              ; preds = %343
  %349 = getelementptr inbounds i8, ptr %122, i64 8
  %350 = load ptr, ptr %7, align 8
  %351 = icmp eq ptr %350, null
  %352 = getelementptr inbounds i8, ptr %350, i64 8
  %353 = getelementptr inbounds i8, ptr %122, i64 52
  br label %354

354:                                              ; preds = %348, %381
  %355 = phi i64 [ 0, %348 ], [ %383, %381 ]
  %356 = phi i32 [ 0, %348 ], [ %382, %381 ]
  %357 = getelementptr inbounds i32, ptr %344, i64 %355
  %358 = load i32, ptr %357, align 4, !tbaa !38
  %359 = load i16, ptr %47, align 4, !tbaa !39
  %360 = sext i16 %359 to i32
  %361 = icmp eq i32 %358, %360
  br i1 %361, label %362, label %363

362:                                              ; preds = %354
  store i32 -1, ptr %357, align 4, !tbaa !38
  br label %363

363:                                              ; preds = %362, %354
  %364 = load ptr, ptr %49, align 8, !tbaa !67
  %365 = icmp eq ptr %364, null
  br i1 %365, label %381, label %366

366:                                              ; preds = %363
  %367 = load ptr, ptr %349, align 8, !tbaa !49
  br i1 %351, label %371, label %368

368:                                              ; preds = %366
  %369 = load ptr, ptr %352, align 8, !tbaa !68
  %370 = getelementptr inbounds i16, ptr %369, i64 %355
  br label %371

371:                                              ; preds = %366, %368
  %372 = phi ptr [ %370, %368 ], [ %353, %366 ]
  %373 = load i16, ptr %372, align 2, !tbaa !70
  %374 = sext i16 %373 to i64
  %375 = getelementptr inbounds %struct.Column, ptr %367, i64 %374
  %376 = load ptr, ptr %375, align 8, !tbaa !71
  %377 = load ptr, ptr %122, align 8, !tbaa !30
  %378 = call fastcc i32 @sqlite3AuthReadCol(ptr noundef nonnull %0, ptr noundef %377, ptr noundef %376, i32 noundef %38)
  %379 = icmp eq i32 %378, 2
  %380 = zext i1 %379 to i32
  br label %381

381:                                              ; preds = %363, %371
  %382 = phi i32 [ %380, %371 ], [ %356, %363 ]
  %383 = add nuw nsw i64 %355, 1
  %384 = load i32, ptr %345, align 8, !tbaa !33
  %385 = sext i32 %384 to i64
  %386 = icmp slt i64 %383, %385
  br i1 %386, label %354, label %387, !llvm.loop !72

387:                                              ; preds = %381, %343
  %388 = phi i32 [ 0, %343 ], [ %382, %381 ]
  %389 = getelementptr inbounds i8, ptr %122, i64 40
  %390 = load i32, ptr %389, align 8, !tbaa !73
  %391 = load ptr, ptr %122, align 8, !tbaa !30
  br i1 %50, label %402, label %392

392:                                              ; preds = %387
  %393 = load ptr, ptr %0, align 8, !tbaa !5
  %394 = getelementptr inbounds i8, ptr %393, i64 32
  %395 = load ptr, ptr %394, align 8, !tbaa !24
  %396 = getelementptr inbounds %struct.Db, ptr %395, i64 %39, i32 1
  %397 = load ptr, ptr %396, align 8, !tbaa !74
  %398 = getelementptr inbounds i8, ptr %397, i64 17
  %399 = load i8, ptr %398, align 1, !tbaa !75
  %400 = icmp eq i8 %399, 0
  br i1 %400, label %402, label %401

401:                                              ; preds = %392
  call fastcc void @lockTable(ptr noundef nonnull %0, i32 noundef %38, i32 noundef %390, i8 noundef zeroext 0, ptr noundef %391)
  br label %402

402:                                              ; preds = %387, %392, %401
  %403 = load i32, ptr %51, align 4, !tbaa !78
  %404 = add nsw i32 %403, 1
  store i32 %404, ptr %51, align 4, !tbaa !78
  br i1 %52, label %407, label %405

405:                                              ; preds = %402
  %406 = load ptr, ptr %7, align 8, !tbaa !29
  call fastcc void @fkLookupParent(ptr noundef nonnull %0, i32 noundef %38, ptr noundef nonnull %122, ptr noundef %406, ptr noundef nonnull %61, ptr noundef nonnull %344, i32 noundef %2, i32 noundef -1, i32 noundef %388)
  br label %407

407:                                              ; preds = %405, %402
  br i1 %53, label %434, label %408

408:                                              ; preds = %407
  %409 = load ptr, ptr %54, align 8, !tbaa !42
  %410 = icmp eq ptr %409, null
  %411 = select i1 %410, ptr %0, ptr %409
  %412 = getelementptr inbounds i8, ptr %411, i64 184
  %413 = load ptr, ptr %412, align 8, !tbaa !79
  %414 = icmp eq ptr %413, null
  br i1 %414, label %432, label %415

415:                                              ; preds = %408
  %416 = load ptr, ptr %413, align 8, !tbaa !80
  %417 = getelementptr inbounds i8, ptr %61, i64 48
  %418 = load ptr, ptr %417, align 8, !tbaa !29
  %419 = icmp eq ptr %416, %418
  br i1 %419, label %420, label %424

420:                                              ; preds = %415
  %421 = getelementptr inbounds i8, ptr %61, i64 45
  %422 = load i8, ptr %421, align 1, !tbaa !28
  %423 = icmp eq i8 %422, 8
  br i1 %423, label %434, label %424

424:                                              ; preds = %420, %415
  %425 = getelementptr inbounds i8, ptr %61, i64 56
  %426 = load ptr, ptr %425, align 8, !tbaa !29
  %427 = icmp eq ptr %416, %426
  br i1 %427, label %428, label %432

428:                                              ; preds = %424
  %429 = getelementptr inbounds i8, ptr %61, i64 46
  %430 = load i8, ptr %429, align 1, !tbaa !28
  %431 = icmp eq i8 %430, 8
  br i1 %431, label %434, label %432

432:                                              ; preds = %424, %428, %408
  %433 = load ptr, ptr %7, align 8, !tbaa !29
  call fastcc void @fkLookupParent(ptr noundef nonnull %0, i32 noundef %38, ptr noundef nonnull %122, ptr noundef %433, ptr noundef nonnull %61, ptr noundef nonnull %344, i32 noundef %3, i32 noundef 1, i32 noundef %388)
  br label %434

434:                                              ; preds = %428, %420, %432, %407
  %435 = load ptr, ptr %8, align 8, !tbaa !29
  %436 = icmp eq ptr %435, null
  br i1 %436, label %439, label %437

437:                                              ; preds = %434
  call fastcc void @sqlite3DbFreeNN(ptr noundef %12, ptr noundef nonnull %435)
  br label %439

438:                                              ; preds = %127, %128
  call void @llvm.lifetime.end.p0(i64 4, ptr nonnull %9) #6
  call void @llvm.lifetime.end.p0(i64 8, ptr nonnull %8) #6
  call void @llvm.lifetime.end.p0(i64 8, ptr nonnull %7) #6
  br label %663

439:                                              ; preds = %96, %89, %131, %324, %326, %434, %437
  call void @llvm.lifetime.end.p0(i64 4, ptr nonnull %9) #6
  call void @llvm.lifetime.end.p0(i64 8, ptr nonnull %8) #6
  call void @llvm.lifetime.end.p0(i64 8, ptr nonnull %7) #6
  %440 = getelementptr inbounds i8, ptr %61, i64 8
  %441 = load ptr, ptr %440, align 8, !tbaa !28
  %442 = icmp eq ptr %441, null
  br i1 %442, label %443, label %60, !llvm.loop !82

443:                                              ; preds = %439
  %444 = load ptr, ptr %24, align 8, !tbaa !23
  br label %445

445:                                              ; preds = %443, %37
  %446 = phi ptr [ %444, %443 ], [ %25, %37 ]
  %447 = getelementptr inbounds i8, ptr %446, i64 80
  %448 = load ptr, ptr %1, align 8, !tbaa !30
  %449 = getelementptr inbounds i8, ptr %446, i64 96
  %450 = load ptr, ptr %449, align 8, !tbaa !83
  %451 = icmp eq ptr %450, null
  br i1 %451, label %474, label %452

452:                                              ; preds = %445
  %453 = load i8, ptr %448, align 1, !tbaa !28
  %454 = icmp eq i8 %453, 0
  br i1 %454, label %468, label %455

455:                                              ; preds = %452, %455
  %456 = phi i8 [ %466, %455 ], [ %453, %452 ]
  %457 = phi ptr [ %459, %455 ], [ %448, %452 ]
  %458 = phi i32 [ %465, %455 ], [ 0, %452 ]
  %459 = getelementptr inbounds i8, ptr %457, i64 1
  %460 = zext i8 %456 to i64
  %461 = getelementptr inbounds [274 x i8], ptr @sqlite3UpperToLower, i64 0, i64 %460
  %462 = load i8, ptr %461, align 1, !tbaa !28
  %463 = zext i8 %462 to i32
  %464 = add i32 %458, %463
  %465 = mul i32 %464, -1640531535
  %466 = load i8, ptr %459, align 1, !tbaa !28
  %467 = icmp eq i8 %466, 0
  br i1 %467, label %468, label %455, !llvm.loop !84

468:                                              ; preds = %455, %452
  %469 = phi i32 [ 0, %452 ], [ %465, %455 ]
  %470 = load i32, ptr %447, align 8, !tbaa !85
  %471 = urem i32 %469, %470
  %472 = zext i32 %471 to i64
  %473 = getelementptr inbounds %struct._ht, ptr %450, i64 %472
  br label %476

474:                                              ; preds = %445
  %475 = getelementptr inbounds i8, ptr %446, i64 84
  br label %476

476:                                              ; preds = %474, %468
  %477 = phi ptr [ %473, %468 ], [ %447, %474 ]
  %478 = phi ptr [ %473, %468 ], [ %475, %474 ]
  %479 = load i32, ptr %478, align 4, !tbaa !38
  %480 = icmp eq i32 %479, 0
  br i1 %480, label %511, label %481

481:                                              ; preds = %476
  %482 = getelementptr inbounds i8, ptr %477, i64 8
  br label %483

483:                                              ; preds = %509, %481
  %484 = phi i32 [ %487, %509 ], [ %479, %481 ]
  %485 = phi ptr [ %486, %509 ], [ %482, %481 ]
  %486 = load ptr, ptr %485, align 8, !tbaa !29
  %487 = add i32 %484, -1
  %488 = getelementptr inbounds i8, ptr %486, i64 24
  %489 = load ptr, ptr %488, align 8, !tbaa !86
  br label %490

490:                                              ; preds = %506, %483
  %491 = phi ptr [ %448, %483 ], [ %508, %506 ]
  %492 = phi ptr [ %489, %483 ], [ %507, %506 ]
  %493 = load i8, ptr %492, align 1, !tbaa !28
  %494 = load i8, ptr %491, align 1, !tbaa !28
  %495 = icmp eq i8 %493, %494
  br i1 %495, label %496, label %498

496:                                              ; preds = %490
  %497 = icmp eq i8 %493, 0
  br i1 %497, label %511, label %506

498:                                              ; preds = %490
  %499 = zext i8 %493 to i64
  %500 = getelementptr inbounds [274 x i8], ptr @sqlite3UpperToLower, i64 0, i64 %499
  %501 = load i8, ptr %500, align 1, !tbaa !28
  %502 = zext i8 %494 to i64
  %503 = getelementptr inbounds [274 x i8], ptr @sqlite3UpperToLower, i64 0, i64 %502
  %504 = load i8, ptr %503, align 1, !tbaa !28
  %505 = icmp eq i8 %501, %504
  br i1 %505, label %506, label %509

506:                                              ; preds = %498, %496
  %507 = getelementptr inbounds i8, ptr %492, i64 1
  %508 = getelementptr inbounds i8, ptr %491, i64 1
  br label %490

509:                                              ; preds = %498
  %510 = icmp eq i32 %487, 0
  br i1 %510, label %511, label %483, !llvm.loop !88

511:                                              ; preds = %509, %496, %476
  %512 = phi ptr [ @findElementWithHash.nullElement, %476 ], [ %486, %496 ], [ @findElementWithHash.nullElement, %509 ]
  %513 = getelementptr inbounds i8, ptr %512, i64 16
  %514 = load ptr, ptr %513, align 8, !tbaa !29
  %515 = icmp eq ptr %514, null
  br i1 %515, label %663, label %516

516:                                              ; preds = %511
  %517 = icmp ne ptr %4, null
  %518 = getelementptr inbounds i8, ptr %1, i64 54
  %519 = getelementptr inbounds i8, ptr %1, i64 52
  %520 = icmp ne i32 %5, 0
  %521 = getelementptr inbounds i8, ptr %1, i64 8
  %522 = getelementptr inbounds i8, ptr %0, i64 168
  %523 = getelementptr inbounds i8, ptr %0, i64 32
  %524 = icmp eq i8 %14, 0
  %525 = getelementptr inbounds i8, ptr %12, i64 103
  %526 = getelementptr inbounds i8, ptr %0, i64 52
  %527 = icmp eq i32 %3, 0
  %528 = icmp eq i32 %2, 0
  %529 = zext i1 %517 to i64
  br label %530

530:                                              ; preds = %516, %659
  %531 = phi ptr [ %514, %516 ], [ %661, %659 ]
  call void @llvm.lifetime.start.p0(i64 8, ptr nonnull %10) #6
  store ptr null, ptr %10, align 8, !tbaa !29
  call void @llvm.lifetime.start.p0(i64 8, ptr nonnull %11) #6
  store ptr null, ptr %11, align 8, !tbaa !29
  br i1 %517, label %532, label %594

532:                                              ; preds = %530
  %533 = getelementptr inbounds i8, ptr %531, i64 40
  %534 = load i32, ptr %533, align 8, !tbaa !33
  %535 = icmp sgt i32 %534, 0
  br i1 %535, label %536, label %659

536:                                              ; preds = %532
  %537 = getelementptr inbounds i8, ptr %531, i64 64
  %538 = load i16, ptr %518, align 2, !tbaa !89
  %539 = sext i16 %538 to i64
  %540 = icmp sgt i16 %538, 0
  %541 = zext nneg i32 %534 to i64
  br label %542

542:                                              ; preds = %591, %536
  %543 = phi i64 [ 0, %536 ], [ %592, %591 ]
  %544 = getelementptr inbounds [1 x %struct.sColMap], ptr %537, i64 0, i64 %543, i32 1
  %545 = load ptr, ptr %544, align 8, !tbaa !90
  br i1 %540, label %546, label %591

546:                                              ; preds = %542
  %547 = icmp eq ptr %545, null
  br label %548

548:                                              ; preds = %588, %546
  %549 = phi i64 [ 0, %546 ], [ %589, %588 ]
  %550 = getelementptr inbounds i32, ptr %4, i64 %549
  %551 = load i32, ptr %550, align 4, !tbaa !38
  %552 = icmp sgt i32 %551, -1
  br i1 %552, label %559, label %553

553:                                              ; preds = %548
  %554 = load i16, ptr %519, align 4, !tbaa !39
  %555 = sext i16 %554 to i64
  %556 = and i64 %555, 4294967295
  %557 = icmp eq i64 %549, %556
  %558 = and i1 %520, %557
  br i1 %558, label %559, label %588

559:                                              ; preds = %553, %548
  %560 = load ptr, ptr %521, align 8, !tbaa !49
  %561 = getelementptr inbounds %struct.Column, ptr %560, i64 %549
  br i1 %547, label %583, label %562

562:                                              ; preds = %559
  %563 = load ptr, ptr %561, align 8, !tbaa !71
  br label %564

564:                                              ; preds = %580, %562
  %565 = phi ptr [ %545, %562 ], [ %582, %580 ]
  %566 = phi ptr [ %563, %562 ], [ %581, %580 ]
  %567 = load i8, ptr %566, align 1, !tbaa !28
  %568 = load i8, ptr %565, align 1, !tbaa !28
  %569 = icmp eq i8 %567, %568
  br i1 %569, label %570, label %572

570:                                              ; preds = %564
  %571 = icmp eq i8 %567, 0
  br i1 %571, label %594, label %580

572:                                              ; preds = %564
  %573 = zext i8 %567 to i64
  %574 = getelementptr inbounds [274 x i8], ptr @sqlite3UpperToLower, i64 0, i64 %573
  %575 = load i8, ptr %574, align 1, !tbaa !28
  %576 = zext i8 %568 to i64
  %577 = getelementptr inbounds [274 x i8], ptr @sqlite3UpperToLower, i64 0, i64 %576
  %578 = load i8, ptr %577, align 1, !tbaa !28
  %579 = icmp eq i8 %575, %578
  br i1 %579, label %580, label %588

580:                                              ; preds = %572, %570
  %581 = getelementptr inbounds i8, ptr %566, i64 1
  %582 = getelementptr inbounds i8, ptr %565, i64 1
  br label %564

583:                                              ; preds = %559
  %584 = getelementptr inbounds i8, ptr %561, i64 14
  %585 = load i16, ptr %584, align 2, !tbaa !50
  %586 = and i16 %585, 1
  %587 = icmp eq i16 %586, 0
  br i1 %587, label %588, label %594

588:                                              ; preds = %572, %583, %553
  %589 = add nuw nsw i64 %549, 1
  %590 = icmp eq i64 %589, %539
  br i1 %590, label %591, label %548, !llvm.loop !91

591:                                              ; preds = %588, %542
  %592 = add nuw nsw i64 %543, 1
  %593 = icmp eq i64 %592, %541
  br i1 %593, label %659, label %542, !llvm.loop !92

594:                                              ; preds = %583, %570, %530
  %595 = getelementptr inbounds i8, ptr %531, i64 44
  %596 = load i8, ptr %595, align 4, !tbaa !66
  %597 = icmp eq i8 %596, 0
  br i1 %597, label %598, label %608

598:                                              ; preds = %594
  %599 = load i64, ptr %15, align 8, !tbaa !14
  %600 = and i64 %599, 524288
  %601 = icmp eq i64 %600, 0
  br i1 %601, label %602, label %608

602:                                              ; preds = %598
  %603 = load ptr, ptr %522, align 8, !tbaa !42
  %604 = icmp eq ptr %603, null
  br i1 %604, label %605, label %608

605:                                              ; preds = %602
  %606 = load i8, ptr %523, align 8, !tbaa !93
  %607 = icmp eq i8 %606, 0
  br i1 %607, label %659, label %608

608:                                              ; preds = %605, %602, %598, %594
  %609 = call fastcc i32 @sqlite3FkLocateIndex(ptr noundef nonnull %0, ptr noundef nonnull %1, ptr noundef nonnull %531, ptr noundef nonnull %10, ptr noundef nonnull %11)
  %610 = icmp eq i32 %609, 0
  br i1 %610, label %615, label %611

611:                                              ; preds = %608
  br i1 %524, label %658, label %612

612:                                              ; preds = %611
  %613 = load i8, ptr %525, align 1, !tbaa !40
  %614 = icmp eq i8 %613, 0
  br i1 %614, label %659, label %658

615:                                              ; preds = %608
  %616 = load ptr, ptr %0, align 8, !tbaa !5
  %617 = call fastcc ptr @sqlite3DbMallocRawNN(ptr noundef %616, i64 noundef 112)
  %618 = icmp eq ptr %617, null
  br i1 %618, label %654, label %619

619:                                              ; preds = %615
  %620 = getelementptr inbounds i8, ptr %617, i64 4
  store i32 1, ptr %620, align 4, !tbaa !94
  store i32 1, ptr %617, align 8, !tbaa !96
  %621 = getelementptr inbounds i8, ptr %617, i64 8
  call void @llvm.memset.p0.i64(ptr noundef nonnull align 8 dereferenceable(104) %621, i8 0, i64 104, i1 false)
  %622 = getelementptr inbounds i8, ptr %617, i64 72
  %623 = getelementptr inbounds i8, ptr %617, i64 24
  %624 = getelementptr inbounds i8, ptr %617, i64 16
  call void @llvm.memset.p0.i64(ptr noundef nonnull align 8 dereferenceable(16) %624, i8 0, i64 16, i1 false)
  %625 = load ptr, ptr %531, align 8, !tbaa !47
  %626 = getelementptr inbounds i8, ptr %617, i64 40
  store ptr %625, ptr %626, align 8, !tbaa !97
  %627 = load ptr, ptr %625, align 8, !tbaa !30
  store ptr %627, ptr %623, align 8, !tbaa !100
  %628 = getelementptr inbounds i8, ptr %625, i64 44
  %629 = load i32, ptr %628, align 4, !tbaa !101
  %630 = add i32 %629, 1
  store i32 %630, ptr %628, align 4, !tbaa !101
  %631 = load i32, ptr %526, align 4, !tbaa !78
  %632 = add nsw i32 %631, 1
  store i32 %632, ptr %526, align 4, !tbaa !78
  store i32 %631, ptr %622, align 8, !tbaa !102
  br i1 %527, label %636, label %633

633:                                              ; preds = %619
  %634 = load ptr, ptr %10, align 8, !tbaa !29
  %635 = load ptr, ptr %11, align 8, !tbaa !29
  call fastcc void @fkScanChildren(ptr noundef nonnull %0, ptr noundef nonnull %617, ptr noundef nonnull %1, ptr noundef %634, ptr noundef nonnull %531, ptr noundef %635, i32 noundef %3, i32 noundef -1)
  br label %636

636:                                              ; preds = %633, %619
  br i1 %528, label %653, label %637

637:                                              ; preds = %636
  %638 = getelementptr inbounds i8, ptr %531, i64 45
  %639 = getelementptr inbounds [2 x i8], ptr %638, i64 0, i64 %529
  %640 = load i8, ptr %639, align 1, !tbaa !28
  %641 = load ptr, ptr %10, align 8, !tbaa !29
  %642 = load ptr, ptr %11, align 8, !tbaa !29
  call fastcc void @fkScanChildren(ptr noundef nonnull %0, ptr noundef nonnull %617, ptr noundef nonnull %1, ptr noundef %641, ptr noundef nonnull %531, ptr noundef %642, i32 noundef %2, i32 noundef 1)
  %643 = load i8, ptr %595, align 4, !tbaa !66
  %644 = icmp eq i8 %643, 0
  %645 = and i8 %640, -3
  %646 = icmp ne i8 %645, 8
  %647 = select i1 %644, i1 %646, i1 false
  br i1 %647, label %648, label %653

648:                                              ; preds = %637
  %649 = load ptr, ptr %522, align 8, !tbaa !42
  %650 = icmp eq ptr %649, null
  %651 = select i1 %650, ptr %0, ptr %649
  %652 = getelementptr inbounds i8, ptr %651, i64 33
  store i8 1, ptr %652, align 1, !tbaa !103
  br label %653

653:                                              ; preds = %637, %648, %636
  store ptr null, ptr %623, align 8, !tbaa !100
  call fastcc void @sqlite3SrcListDelete(ptr noundef %12, ptr noundef nonnull %617)
  br label %654

654:                                              ; preds = %615, %653
  %655 = load ptr, ptr %11, align 8, !tbaa !29
  %656 = icmp eq ptr %655, null
  br i1 %656, label %659, label %657

657:                                              ; preds = %654
  call fastcc void @sqlite3DbFreeNN(ptr noundef %12, ptr noundef nonnull %655)
  br label %659

658:                                              ; preds = %612, %611
  call void @llvm.lifetime.end.p0(i64 8, ptr nonnull %11) #6
  call void @llvm.lifetime.end.p0(i64 8, ptr nonnull %10) #6
  br label %663

659:                                              ; preds = %591, %612, %532, %605, %654, %657
  call void @llvm.lifetime.end.p0(i64 8, ptr nonnull %11) #6
  call void @llvm.lifetime.end.p0(i64 8, ptr nonnull %10) #6
  %660 = getelementptr inbounds i8, ptr %531, i64 24
  %661 = load ptr, ptr %660, align 8, !tbaa !29
  %662 = icmp eq ptr %661, null
  br i1 %662, label %663, label %530, !llvm.loop !104

663:                                              ; preds = %659, %511, %658, %438, %19, %6
  ret void

; uselistorder directives
  uselistorder ptr %0, { 0, 23, 22, 1, 21, 11, 12, 13, 20, 2, 19, 4, 5, 18, 8, 7, 17, 16, 6, 9, 3, 10, 14, 15 }
  uselistorder ptr %1, { 11, 10, 9, 0, 1, 2, 3, 8, 4, 5, 6, 7 }
  uselistorder i32 %2, { 0, 4, 1, 2, 3 }
  uselistorder i32 %3, { 0, 3, 1, 2 }
  uselistorder ptr %4, { 0, 3, 1, 2 }
  uselistorder ptr %9, { 0, 2, 1, 3, 4 }
  uselistorder ptr %12, { 1, 8, 5, 2, 7, 3, 4, 0, 6 }
  uselistorder ptr %13, { 1, 0 }
  uselistorder i8 %14, { 1, 0 }
  uselistorder ptr %15, { 1, 0 }
  uselistorder label %29, { 1, 0 }
  uselistorder label %37, { 1, 0 }
  uselistorder i32 %38, { 2, 3, 0, 4, 1, 5 }
  uselistorder ptr %41, { 1, 0 }
  uselistorder ptr %51, { 1, 0 }
  uselistorder ptr %54, { 1, 0 }
  uselistorder label %60, { 1, 0 }
  uselistorder ptr %61, { 0, 3, 16, 15, 17, 14, 2, 8, 7, 10, 4, 11, 9, 1, 6, 13, 12, 5 }
  uselistorder i1 %67, { 1, 0 }
  uselistorder label %69, { 1, 0 }
  uselistorder i8 %72, { 1, 0, 2 }
  uselistorder label %89, { 2, 0, 1 }
  uselistorder i64 %100, { 1, 0 }
  uselistorder label %112, { 1, 2, 3, 0, 4 }
  uselistorder ptr %116, { 1, 0 }
  uselistorder ptr %122, { 7, 6, 5, 2, 4, 0, 1, 3, 8 }
  uselistorder label %147, { 1, 0 }
  uselistorder ptr %148, { 0, 1, 2, 4, 3, 5, 6 }
  uselistorder ptr %149, { 1, 0, 3, 2, 4 }
  uselistorder ptr %151, { 1, 0 }
  uselistorder label %160, { 1, 0 }
  uselistorder i64 %161, { 1, 0 }
  uselistorder i16 %165, { 1, 0, 2, 3 }
  uselistorder ptr %176, { 16, 17, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 }
  uselistorder i64 %177, { 2, 3, 1, 0 }
  uselistorder i64 %181, { 1, 0 }
  uselistorder i64 %186, { 16, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 }
  uselistorder i64 %260, { 1, 0 }
  uselistorder label %268, { 1, 0 }
  uselistorder i64 %277, { 1, 0 }
  uselistorder i16 %280, { 1, 0 }
  uselistorder label %290, { 2, 1, 0 }
  uselistorder label %309, { 1, 0 }
  uselistorder i32 %317, { 2, 1, 0 }
  uselistorder label %343, { 1, 0 }
  uselistorder ptr %345, { 1, 0 }
  uselistorder label %354, { 1, 0 }
  uselistorder i64 %355, { 2, 0, 1 }
  uselistorder label %371, { 1, 0 }
  uselistorder label %381, { 1, 0 }
  uselistorder i32 %388, { 1, 0 }
  uselistorder label %402, { 2, 1, 0 }
  uselistorder label %432, { 1, 0, 2 }
  uselistorder label %434, { 2, 0, 1, 3 }
  uselistorder label %438, { 1, 0 }
  uselistorder label %439, { 6, 5, 4, 3, 2, 0, 1 }
  uselistorder ptr %441, { 1, 0 }
  uselistorder ptr %446, { 2, 1, 0 }
  uselistorder ptr %448, { 1, 0, 2 }
  uselistorder label %455, { 1, 0 }
  uselistorder ptr %459, { 1, 0 }
  uselistorder i8 %466, { 1, 0 }
  uselistorder ptr %486, { 0, 2, 1 }
  uselistorder i32 %487, { 1, 0 }
  uselistorder i8 %493, { 1, 0, 2 }
  uselistorder i1 %517, { 1, 0 }
  uselistorder ptr %526, { 1, 0 }
  uselistorder label %530, { 1, 0 }
  uselistorder ptr %531, { 0, 8, 3, 7, 6, 5, 4, 1, 2 }
  uselistorder i64 %549, { 1, 0, 2, 3 }
  uselistorder i8 %567, { 1, 0, 2 }
  uselistorder label %588, { 1, 0, 2 }
  uselistorder i64 %589, { 1, 0 }
  uselistorder i64 %592, { 1, 0 }
  uselistorder ptr %595, { 1, 0 }
  uselistorder ptr %617, { 5, 4, 3, 2, 0, 1, 6, 7, 8, 9, 10 }
  uselistorder ptr %623, { 1, 0 }
  uselistorder ptr %628, { 1, 0 }
  uselistorder label %653, { 1, 0, 2 }
  uselistorder label %654, { 1, 0 }
  uselistorder label %659, { 5, 4, 1, 3, 0, 2 }
  uselistorder ptr %661, { 1, 0 }
  uselistorder label %663, { 0, 2, 1, 3, 4, 5 }
}

; Function Attrs: nounwind uwtable
declare hidden fastcc range(i32 0, 2) i32 @sqlite3FkLocateIndex(ptr nocapture noundef, ptr nocapture noundef readonly, ptr nocapture noundef readonly, ptr nocapture noundef writeonly, ptr noundef writeonly) unnamed_addr #2

; Function Attrs: nounwind uwtable
declare hidden fastcc void @fkLookupParent(ptr noundef, i32 noundef, ptr noundef readonly, ptr noundef, ptr nocapture noundef readonly, ptr nocapture noundef readonly, i32 noundef, i32 noundef, i32 noundef) unnamed_addr #2

; Function Attrs: nounwind uwtable
declare hidden fastcc void @fkScanChildren(ptr noundef, ptr noundef, ptr noundef, ptr noundef readonly, ptr nocapture noundef readonly, ptr noundef readonly, i32 noundef, i32 noundef) unnamed_addr #2

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare i16 @llvm.vector.reduce.add.v8i16(<8 x i16>) #5

; uselistorder directives
uselistorder ptr @sqlite3FkLocateIndex, { 1, 0 }
uselistorder ptr @fkLookupParent, { 1, 0 }
uselistorder ptr @fkScanChildren, { 1, 0 }

attributes #0 = { nocallback nofree nosync nounwind willreturn memory(argmem: readwrite) }
attributes #1 = { nocallback nofree nounwind willreturn memory(argmem: write) }
attributes #2 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #3 = { nofree norecurse nosync nounwind memory(read, inaccessiblemem: none) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #4 = { noinline nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #5 = { nocallback nofree nosync nounwind speculatable willreturn memory(none) }
attributes #6 = { nounwind }

!llvm.module.flags = !{!0, !1, !2, !3}
!llvm.ident = !{!4}

!0 = !{i32 1, !"wchar_size", i32 4}
!1 = !{i32 8, !"PIC Level", i32 2}
!2 = !{i32 7, !"PIE Level", i32 2}
!3 = !{i32 7, !"uwtable", i32 2}
!4 = !{!"Debian clang version 19.1.7 (3~deb12u1)"}
!5 = !{!6, !7, i64 0}
!6 = !{!"Parse", !7, i64 0, !7, i64 8, !7, i64 16, !10, i64 24, !8, i64 28, !8, i64 29, !8, i64 30, !8, i64 31, !8, i64 32, !8, i64 33, !8, i64 34, !8, i64 35, !8, i64 36, !8, i64 37, !8, i64 38, !10, i64 40, !10, i64 44, !10, i64 48, !10, i64 52, !10, i64 56, !10, i64 60, !10, i64 64, !10, i64 68, !10, i64 72, !7, i64 80, !7, i64 88, !7, i64 96, !11, i64 104, !10, i64 120, !10, i64 124, !10, i64 128, !10, i64 132, !10, i64 136, !10, i64 140, !10, i64 144, !7, i64 152, !7, i64 160, !7, i64 168, !7, i64 176, !7, i64 184, !7, i64 192, !8, i64 200, !10, i64 208, !10, i64 212, !10, i64 216, !8, i64 220, !8, i64 221, !8, i64 222, !8, i64 223, !8, i64 224, !7, i64 256, !11, i64 264, !11, i64 280, !12, i64 296, !8, i64 298, !8, i64 299, !8, i64 300, !10, i64 304, !10, i64 308, !10, i64 312, !7, i64 320, !7, i64 328, !7, i64 336, !7, i64 344, !7, i64 352, !7, i64 360, !7, i64 368, !11, i64 376, !7, i64 392, !7, i64 400, !7, i64 408}
!7 = !{!"any pointer", !8, i64 0}
!8 = !{!"omnipotent char", !9, i64 0}
!9 = !{!"Simple C/C++ TBAA"}
!10 = !{!"int", !8, i64 0}
!11 = !{!"Token", !7, i64 0, !10, i64 8}
!12 = !{!"short", !8, i64 0}
!13 = !{!6, !8, i64 223}
!14 = !{!15, !16, i64 48}
!15 = !{!"sqlite3", !7, i64 0, !7, i64 8, !7, i64 16, !7, i64 24, !7, i64 32, !10, i64 40, !10, i64 44, !16, i64 48, !16, i64 56, !16, i64 64, !10, i64 72, !10, i64 76, !10, i64 80, !10, i64 84, !10, i64 88, !10, i64 92, !10, i64 96, !8, i64 100, !8, i64 101, !8, i64 102, !8, i64 103, !8, i64 104, !8, i64 105, !8, i64 106, !8, i64 107, !8, i64 108, !8, i64 109, !8, i64 110, !8, i64 111, !8, i64 112, !8, i64 113, !10, i64 116, !16, i64 120, !16, i64 128, !8, i64 136, !10, i64 184, !17, i64 192, !10, i64 208, !10, i64 212, !10, i64 216, !10, i64 220, !10, i64 224, !10, i64 228, !7, i64 232, !8, i64 240, !7, i64 248, !7, i64 256, !7, i64 264, !7, i64 272, !7, i64 280, !7, i64 288, !7, i64 296, !7, i64 304, !7, i64 312, !7, i64 320, !7, i64 328, !7, i64 336, !7, i64 344, !7, i64 352, !7, i64 360, !7, i64 368, !7, i64 376, !7, i64 384, !7, i64 392, !8, i64 400, !18, i64 408, !7, i64 504, !7, i64 512, !7, i64 520, !7, i64 528, !10, i64 536, !10, i64 540, !19, i64 544, !7, i64 568, !7, i64 576, !7, i64 584, !19, i64 592, !19, i64 616, !20, i64 640, !8, i64 664, !7, i64 728, !10, i64 736, !10, i64 740, !10, i64 744, !10, i64 748, !16, i64 752, !16, i64 760, !7, i64 768}
!16 = !{!"long long", !8, i64 0}
!17 = !{!"sqlite3InitInfo", !10, i64 0, !8, i64 4, !8, i64 5, !10, i64 6, !10, i64 6, !10, i64 6, !7, i64 8}
!18 = !{!"Lookaside", !10, i64 0, !12, i64 4, !12, i64 6, !8, i64 8, !10, i64 12, !8, i64 16, !7, i64 32, !7, i64 40, !7, i64 48, !7, i64 56, !7, i64 64, !7, i64 72, !7, i64 80, !7, i64 88}
!19 = !{!"Hash", !10, i64 0, !10, i64 4, !7, i64 8, !7, i64 16}
!20 = !{!"BusyHandler", !7, i64 0, !7, i64 8, !10, i64 16}
!21 = !{!22, !8, i64 63}
!22 = !{!"Table", !7, i64 0, !7, i64 8, !7, i64 16, !7, i64 24, !7, i64 32, !10, i64 40, !10, i64 44, !10, i64 48, !12, i64 52, !12, i64 54, !12, i64 56, !12, i64 58, !12, i64 60, !8, i64 62, !8, i64 63, !8, i64 64, !7, i64 88, !7, i64 96}
!23 = !{!22, !7, i64 96}
!24 = !{!15, !7, i64 32}
!25 = !{!26, !7, i64 24}
!26 = !{!"Db", !7, i64 0, !7, i64 8, !8, i64 16, !8, i64 17, !7, i64 24}
!27 = !{!26, !7, i64 0}
!28 = !{!8, !8, i64 0}
!29 = !{!7, !7, i64 0}
!30 = !{!22, !7, i64 0}
!31 = !{!32, !7, i64 16}
!32 = !{!"FKey", !7, i64 0, !7, i64 8, !7, i64 16, !7, i64 24, !7, i64 32, !10, i64 40, !8, i64 44, !8, i64 45, !8, i64 48, !8, i64 64}
!33 = !{!32, !10, i64 40}
!34 = distinct !{!34, !35}
!35 = !{!"llvm.loop.mustprogress"}
!36 = !{!37, !10, i64 0}
!37 = !{!"sColMap", !10, i64 0, !7, i64 8}
!38 = !{!10, !10, i64 0}
!39 = !{!22, !12, i64 52}
!40 = !{!15, !8, i64 103}
!41 = !{!6, !7, i64 16}
!42 = !{!6, !7, i64 168}
!43 = !{!15, !10, i64 96}
!44 = !{!6, !8, i64 35}
!45 = !{!46, !10, i64 144}
!46 = !{!"Vdbe", !7, i64 0, !7, i64 8, !7, i64 16, !7, i64 24, !12, i64 32, !10, i64 36, !10, i64 40, !10, i64 44, !10, i64 48, !10, i64 52, !16, i64 56, !10, i64 64, !16, i64 72, !16, i64 80, !16, i64 88, !16, i64 96, !7, i64 104, !7, i64 112, !7, i64 120, !7, i64 128, !7, i64 136, !10, i64 144, !10, i64 148, !7, i64 152, !7, i64 160, !7, i64 168, !7, i64 176, !16, i64 184, !12, i64 192, !8, i64 194, !8, i64 195, !8, i64 196, !8, i64 197, !10, i64 198, !10, i64 198, !10, i64 198, !10, i64 198, !10, i64 198, !10, i64 198, !10, i64 200, !10, i64 204, !8, i64 208, !7, i64 248, !7, i64 256, !7, i64 264, !7, i64 272, !10, i64 280, !10, i64 284, !7, i64 288, !7, i64 296}
!47 = !{!32, !7, i64 0}
!48 = !{!22, !10, i64 48}
!49 = !{!22, !7, i64 8}
!50 = !{!51, !12, i64 14}
!51 = !{!"Column", !7, i64 0, !10, i64 8, !10, i64 8, !8, i64 9, !8, i64 10, !8, i64 11, !12, i64 12, !12, i64 14}
!52 = distinct !{!52, !35, !53, !54}
!53 = !{!"llvm.loop.isvectorized", i32 1}
!54 = !{!"llvm.loop.unroll.runtime.disable"}
!55 = distinct !{!55, !35, !54, !53}
!56 = !{!22, !12, i64 56}
!57 = !{!46, !10, i64 148}
!58 = !{!46, !7, i64 136}
!59 = !{!60, !8, i64 0}
!60 = !{!"VdbeOp", !8, i64 0, !8, i64 1, !12, i64 2, !10, i64 4, !10, i64 8, !10, i64 12, !8, i64 16, !7, i64 24}
!61 = !{!60, !12, i64 2}
!62 = !{!60, !10, i64 4}
!63 = !{!60, !10, i64 8}
!64 = !{!60, !8, i64 1}
!65 = distinct !{!65, !35}
!66 = !{!32, !8, i64 44}
!67 = !{!15, !7, i64 504}
!68 = !{!69, !7, i64 8}
!69 = !{!"Index", !7, i64 0, !7, i64 8, !7, i64 16, !7, i64 24, !7, i64 32, !7, i64 40, !7, i64 48, !7, i64 56, !7, i64 64, !7, i64 72, !7, i64 80, !10, i64 88, !12, i64 92, !12, i64 94, !12, i64 96, !8, i64 98, !10, i64 99, !10, i64 99, !10, i64 99, !10, i64 99, !10, i64 99, !10, i64 99, !10, i64 99, !10, i64 100, !10, i64 100, !10, i64 100, !10, i64 100, !16, i64 104}
!70 = !{!12, !12, i64 0}
!71 = !{!51, !7, i64 0}
!72 = distinct !{!72, !35}
!73 = !{!22, !10, i64 40}
!74 = !{!26, !7, i64 8}
!75 = !{!76, !8, i64 17}
!76 = !{!"Btree", !7, i64 0, !7, i64 8, !8, i64 16, !8, i64 17, !8, i64 18, !8, i64 19, !10, i64 20, !10, i64 24, !10, i64 28, !7, i64 32, !7, i64 40, !77, i64 48}
!77 = !{!"BtLock", !7, i64 0, !10, i64 8, !8, i64 12, !7, i64 16}
!78 = !{!6, !10, i64 52}
!79 = !{!6, !7, i64 184}
!80 = !{!81, !7, i64 0}
!81 = !{!"TriggerPrg", !7, i64 0, !7, i64 8, !7, i64 16, !10, i64 24, !8, i64 28}
!82 = distinct !{!82, !35}
!83 = !{!19, !7, i64 16}
!84 = distinct !{!84, !35}
!85 = !{!19, !10, i64 0}
!86 = !{!87, !7, i64 24}
!87 = !{!"HashElem", !7, i64 0, !7, i64 8, !7, i64 16, !7, i64 24}
!88 = distinct !{!88, !35}
!89 = !{!22, !12, i64 54}
!90 = !{!37, !7, i64 8}
!91 = distinct !{!91, !35}
!92 = distinct !{!92, !35}
!93 = !{!6, !8, i64 32}
!94 = !{!95, !10, i64 4}
!95 = !{!"SrcList", !10, i64 0, !10, i64 4, !8, i64 8}
!96 = !{!95, !10, i64 0}
!97 = !{!98, !7, i64 32}
!98 = !{!"SrcItem", !7, i64 0, !7, i64 8, !7, i64 16, !7, i64 24, !7, i64 32, !7, i64 40, !10, i64 48, !10, i64 52, !10, i64 56, !99, i64 60, !10, i64 64, !8, i64 72, !16, i64 80, !8, i64 88, !8, i64 96}
!99 = !{!"", !8, i64 0, !10, i64 1, !10, i64 1, !10, i64 1, !10, i64 1, !10, i64 1, !10, i64 1, !10, i64 1, !10, i64 1, !10, i64 2, !10, i64 2, !10, i64 2, !10, i64 2, !10, i64 2, !10, i64 2}
!100 = !{!98, !7, i64 16}
!101 = !{!22, !10, i64 44}
!102 = !{!98, !10, i64 64}
!103 = !{!6, !8, i64 33}
!104 = distinct !{!104, !35}
